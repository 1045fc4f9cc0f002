/// A camera's usual sharpness, learnt from its own frames: scenes differ too much between
/// kitchens for one absolute threshold. It rises quickly (a refocused lens is good news at once)
/// and sinks slowly, and only sharp-enough frames feed it, so a blurred lens cannot teach it
/// that blur is normal.
public struct SharpnessBaseline: Sendable, Equatable, Codable {
    public private(set) var value: Double?
    public private(set) var samples: Int = 0

    static let riseRate = 0.2
    static let sinkRate = 0.02

    public init() {}

    public mutating func learn(_ sharpness: Double) {
        samples += 1
        guard let current = value else {
            value = sharpness
            return
        }
        let rate = sharpness > current ? Self.riseRate : Self.sinkRate
        value = current + rate * (sharpness - current)
    }
}
