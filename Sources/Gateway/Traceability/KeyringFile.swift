import Foundation
import Traceability

/// The ticket keyring on disk (mode 0600). Losing it makes every printed code unverifiable, so
/// it is never rewritten here; `brightkitchen keys rotate` adds keys. The gateway opens it through
/// `TicketKeyCheck`, which decides whether a fresh one may be created for its store.
public enum KeyringFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "ticket keyring \(path): \(problem)" }
    }

    /// For a database being created from nothing (`brightkitchen seed`); a gateway start goes
    /// through `TicketKeyCheck.open` instead.
    public static func loadOrCreate(path: String) throws -> TicketKeyring {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let keyring = TicketKeyring.generate()
        try save(keyring, to: path)
        return keyring
    }

    public static func load(path: String) throws -> TicketKeyring {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(path: path, problem: "cannot read (\(error.localizedDescription))")
        }
        do {
            return try TicketKeyring(text: text)
        } catch {
            throw LoadError(path: path, problem: "\(error)")
        }
    }

    /// Writes through a temporary file and a rename, readable by the owner only.
    public static func save(_ keyring: TicketKeyring, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(keyring.text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw LoadError(path: path, problem: "cannot write \(temporary)")
        }
        if rename(temporary, path) != 0 {
            throw LoadError(path: path, problem: "cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
    }
}
