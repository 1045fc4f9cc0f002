import Foundation

/// Where the database password comes from, in order: a password file (`--database-password-file`),
/// the URL itself (discouraged), the `BK_DATABASE_PASSWORD` environment variable; none at all
/// suits `trust` or `peer` authentication.
public enum PostgresPassword {
    public static let environmentVariable = "BK_DATABASE_PASSWORD"

    /// The password to use for `url`. A named file that is missing, unreadable or empty is an error,
    /// as is a password given both in the URL and in a file: silently preferring one would hide a
    /// mistake until the server refuses.
    public static func resolve(url: PostgresURL, passwordFile: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresPasswordError) -> String?
    {
        if let passwordFile {
            if url.password != nil {
                throw .init("a password is given both in the URL and in the password file \(passwordFile): "
                    + "remove it from the URL")
            }
            return try read(passwordFile)
        }
        if let password = url.password { return password }
        if let password = environment[environmentVariable], !password.isEmpty { return password }
        return nil
    }

    /// The file's first line: an editor's or `echo`'s trailing newline is not part of the password.
    static func read(_ path: String) throws(PostgresPasswordError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .init("the database password file \(path) does not exist")
        }
        if isDirectory.boolValue { throw .init("the database password file \(path) is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .init("the database password file \(path) cannot be read (check its owner and mode)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .init("the database password file \(path) is not UTF-8 text")
        }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        if password.isEmpty { throw .init("the database password file \(path) is empty") }
        return password
    }
}

public struct PostgresPasswordError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
