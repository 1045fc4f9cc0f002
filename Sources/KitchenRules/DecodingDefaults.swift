extension KeyedDecodingContainer {
    /// Configuration files name only what they change; everything absent keeps its default.
    func decode<T: Decodable>(_ key: Key, default value: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value()
    }
}
