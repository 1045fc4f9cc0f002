/// A profile that cannot be simulated, with the file and the place in it a person must fix.
public struct ProfileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// Where in the file, e.g. `devices[3] (freezer-1).mode`.
    public let location: String
    public let problem: String

    public init(path: String, location: String, problem: String) {
        self.path = path
        self.location = location
        self.problem = problem
    }

    public var description: String {
        location.isEmpty ? "\(path): \(problem)" : "\(path): \(location): \(problem)"
    }
}
