import Foundation

/// The embedded broker's access files, kept beside its config in `<data-dir>/mosquitto/`:
/// `passwd` (hashes only), `acl` (rebuilt from the accounts on every save) and `gateway.secret`
/// (the gateway's own password in clear, which it needs to log in). All owner-only.
public struct BrokerAccessFiles: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Where `serve` and `devices provision` agree the files live for a data directory.
    public init(dataDirectory: String) {
        self.init(directory: (dataDirectory as NSString).appendingPathComponent("mosquitto"))
    }

    public var passwordFile: String { directory + "/passwd" }
    public var aclFile: String { directory + "/acl" }
    var gatewaySecretFile: String { directory + "/gateway.secret" }

    public struct FileError: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "broker access file \(path): \(problem)" }
    }

    /// The accounts so far; none before the first provisioning.
    public func load() throws -> BrokerAccounts {
        guard FileManager.default.fileExists(atPath: passwordFile) else { return BrokerAccounts() }
        do {
            return try BrokerAccounts(passwordFile: String(contentsOfFile: passwordFile, encoding: .utf8))
        } catch {
            throw FileError(path: passwordFile, problem: "\(error)")
        }
    }

    public func save(_ accounts: BrokerAccounts) throws {
        try writePrivate(accounts.passwordFileText, to: passwordFile)
        try writePrivate(accounts.aclFileText, to: aclFile)
    }

    /// The gateway's password, issuing the account on first use. A lost secret file (or an account
    /// removed from `passwd`) is repaired by issuing a new one: only the gateway ever uses it.
    public func gatewayPassword() throws -> String {
        var accounts = try load()
        if accounts.hasGateway, let secret = try? String(contentsOfFile: gatewaySecretFile, encoding: .utf8),
           let hash = accounts.hashes[BrokerAccounts.gatewayUsername],
           hash.matches(password: secret.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return secret.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let password = accounts.issueGateway()
        try writePrivate(password + "\n", to: gatewaySecretFile)
        try save(accounts)
        return password
    }

    /// Through a temporary file and a rename, so mosquitto never reads half a file; mode 0600.
    private func writePrivate(_ text: String, to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw FileError(path: temporary, problem: "cannot create")
            }
            guard rename(temporary, path) == 0 else {
                throw FileError(path: path, problem: String(cString: strerror(errno)))
            }
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, problem: error.localizedDescription)
        }
    }
}
