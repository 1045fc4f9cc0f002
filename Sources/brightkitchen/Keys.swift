import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import Storage
import StorageModel
import Traceability

/// The ticket keyring file, found the way `serve` finds it: `--keys`, else `ticket-keys` beside
/// the database (`--database`, BK_DATABASE, else `<data-dir>/brightkitchen.sqlite`).
struct KeyringOption: ParsableArguments {
    @Option(help: "Ticket keyring file (env BK_TICKET_KEYS). Default: ticket-keys beside the database.")
    var keys: String?

    @Option(help: "The store: a SQLite file or a postgres:// URL (env BK_DATABASE). Default: <data-dir>/brightkitchen.sqlite.")
    var database: String?

    @Option(help: "PostgreSQL password file (env BK_DATABASE_PASSWORD_FILE); or BK_DATABASE_PASSWORD.")
    var databasePasswordFile: String?

    @Option(help: "Data directory (env BK_DATA_DIR). Default: ./data.")
    var dataDir: String?

    var databasePath: String {
        let env = ProcessInfo.processInfo.environment
        return database ?? env["BK_DATABASE"]
            ?? ((dataDir ?? env["BK_DATA_DIR"] ?? "./data") as NSString).appendingPathComponent("brightkitchen.sqlite")
    }

    func path() throws -> String {
        if let path = keys ?? ProcessInfo.processInfo.environment["BK_TICKET_KEYS"] { return path }
        guard let path = TicketKeyCheck.defaultKeyringPath(database: databasePath) else {
            throw ValidationError("the database '\(databasePath)' is not a file: pass --keys FILE")
        }
        return path
    }

    /// The store, when there is one to check the keyring against (a SQLite file not made yet is none).
    func existingStore() throws -> (any GatewayStore)? {
        if let file = (try? StoreLocation(databasePath))?.sqlitePath, !FileManager.default.fileExists(atPath: file) {
            return nil
        }
        let passwordFile = databasePasswordFile ?? ProcessInfo.processInfo.environment["BK_DATABASE_PASSWORD_FILE"]
        return try StoreOpener.open(databasePath, passwordFile: passwordFile).store
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a ticket code's signature offline (no database), e.g. from a photo of a receipt.",
        discussion: "Exit status 0: genuine; 1: not genuine. Accepts the code or the whole lookup URL.")

    @Argument(help: "The code, or a URL ending in /t/<code>.")
    var code: String

    @OptionGroup var keyring: KeyringOption

    func run() throws {
        let keys = try KeyringFile.load(path: try keyring.path())
        let text = code.split(separator: "/").last.map(String.init) ?? code
        do {
            let verified = try keys.verify(text)
            print("genuine: key \(verified.keyID), trace number \(TraceNumber(ticketID: verified.ticketID).digits)")
        } catch {
            print("NOT genuine: \(TerminalText.escape("\(error)"))")
            throw ExitCode(1)
        }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the ticket keyring.", subcommands: [Show.self, Rotate.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List key ids and fingerprints (never the secrets).")
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            let keys = try KeyringFile.load(path: try keyring.path())
            print("active  \(keys.activeKey.id)  \(keys.activeKey.fingerprint.prefix(16))")
            for key in keys.retiredKeys {
                print("retired \(key.id)  \(key.fingerprint.prefix(16))  (verifies old codes, signs nothing new)")
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a fresh key active under a new id; the old one keeps verifying codes already printed.",
            discussion: """
                The new id is one neither the keyring nor the database has seen sign: an id never names \
                a second secret. Restart the gateway afterwards so it signs with the new key.
                """)
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            let path = try keyring.path()
            let current = try KeyringFile.load(path: path)
            var used: Set<TicketKeyID> = []
            if let store = try keyring.existingStore() {
                // The same check as a start: rotating a keyring that does not match the store
                // would only carry the mismatch forward.
                _ = try TicketKeyCheck.open(path: path, store: store, now: SystemClock().now())
                used = Set(try store.ticketKeys().keys.compactMap(TicketKeyID.init(symbol:)))
            }
            let rotated = try current.rotated(avoiding: used)
            try KeyringFile.save(rotated, to: path)
            print("active key is now \(rotated.activeKey.id); retired: "
                + rotated.retiredKeys.map(\.id.description).joined(separator: ", "))
        }
    }
}
