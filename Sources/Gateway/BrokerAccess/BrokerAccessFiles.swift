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
    /// The observer's password in clear, for `mosquitto_sub -u bk-observer` (read-only).
    public var observerSecretFile: String { directory + "/observer.secret" }

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
    /// `username` is the gateway's client id (`brightkitchen-<gateway-id>`): the broker names
    /// sessions by account, so this keeps the session the gateway had under that client id.
    public func gatewayPassword(username: String = BrokerAccounts.gatewayUsername) throws -> String {
        guard BrokerAccounts.validGatewayUsername(username), username.hasPrefix(BrokerAccounts.gatewayPrefix) else {
            throw FileError(path: passwordFile, problem:
                "gateway account '\(username)': a gateway id may hold only letters, digits, '-' and '_' (at most 50)")
        }
        var accounts = try load()
        if accounts.gatewayAccounts == [username], let password = storedSecret(gatewaySecretFile, for: username, in: accounts) {
            return password
        }
        let password = accounts.issueGateway(username: username)
        try writePrivate(password + "\n", to: gatewaySecretFile)
        try save(accounts)
        return password
    }

    /// The read-only observer's password, issued on first use like the gateway's.
    public func observerPassword() throws -> String {
        var accounts = try load()
        if let password = storedSecret(observerSecretFile, for: BrokerAccounts.observerUsername, in: accounts) {
            return password
        }
        let password = accounts.issueObserver()
        try writePrivate(password + "\n", to: observerSecretFile)
        try save(accounts)
        return password
    }

    private func storedSecret(_ file: String, for username: String, in accounts: BrokerAccounts) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), let hash = accounts.hashes[username] else {
            return nil
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return hash.matches(password: secret) ? secret : nil
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
