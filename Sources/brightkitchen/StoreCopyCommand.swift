import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import PostgresStorage
import StorageModel
import StoreCopy
import Traceability

/// `brightkitchen store ...`: moving a deployment's data between backends.
struct StoreCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Move a deployment's data between stores.", subcommands: [StoreCopyCommand.self])
}

/// `brightkitchen store copy --from PATH.sqlite --to postgres://...` (docs/operations.md, "Moving an
/// existing site to PostgreSQL").
struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an embedded (SQLite) store into PostgreSQL, verified table by table; resumable.",
        discussion: """
            Stop the gateway first. Every table is copied in chunks, then checked: row count and checksum \
            from both databases. Interrupted (Ctrl-C, kill, lost connection)? Run the same command again: \
            it continues after the last committed chunk. The target must be empty (a new database) unless \
            --into-non-empty is given. Afterwards the ticket keyring is checked against the copied key \
            fingerprints, so codes already printed stay genuine.
            """)

    @Option(help: "The SQLite store to copy (the gateway's brightkitchen.sqlite).")
    var from: String

    @Option(help: "The PostgreSQL database to fill: postgres://user@host[:port]/db (no password in it).")
    var to: String

    @Option(help: "File whose first line is the PostgreSQL password (env BK_DATABASE_PASSWORD_FILE; else BK_DATABASE_PASSWORD).")
    var toPasswordFile: String?

    @Option(help: "The ticket keyring the SQLite store was used with (env BK_TICKET_KEYS). Default: ticket-keys beside --from.")
    var ticketKeys: String?

    @Option(help: "Rows per transaction.")
    var chunkSize: Int = 5_000

    @Flag(help: "Copy even though the target's tables hold rows (they stay; a key already there stops the copy).")
    var intoNonEmpty = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let keyring = ticketKeys ?? environment["BK_TICKET_KEYS"]
            ?? TicketKeyCheck.defaultKeyringPath(database: from) else {
            throw ValidationError("'\(from)' is not a file path: pass --ticket-keys")
        }
        let options = StoreCopier.Options(sourcePath: from, targetURL: to, passwordFile: passwordFile(environment),
                                          environment: environment, chunkSize: chunkSize, intoNonEmpty: intoNonEmpty)
        do {
            // Before a long copy: tickets without their keyring could never be verified afterwards.
            let tickets = try StoreCopier.ticketCount(sourcePath: from)
            if tickets > 0, !FileManager.default.fileExists(atPath: keyring) {
                throw StoreCopyError(.source, """
                    the ticket keyring \(keyring) does not exist, but \(from) holds \(tickets) ticket(s): without \
                    their keyring no printed code could be verified after the move. Pass --ticket-keys with the \
                    keyring this store was used with (restore it from backup); nothing was copied.
                    """)
            }
            let report = try StoreCopier(options: options, progress: { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }).run()
            print(StoreCopier.summary(report))
            try checkKeyring(keyring, tickets: report.ticketRows, environment: environment)
        } catch let error as StoreCopyError {
            throw ValidationError(error.description)
        }
    }

    /// `--to-password-file`, else the variable `serve`'s `--database-password-file` reads.
    private func passwordFile(_ environment: [String: String]) -> String? {
        toPasswordFile ?? environment["BK_DATABASE_PASSWORD_FILE"]
    }

    /// Opens the copy as the gateway will and checks the keyring against the copied fingerprints
    /// (TicketKeyCheck, as `serve` does), then verifies a code of each key id with it.
    private func checkKeyring(_ path: String, tickets: Int64, environment: [String: String]) throws {
        let serve = "brightkitchen serve --database '\(StoreLocation.postgres(url: to))'"
            + (passwordFile(environment).map { " --database-password-file '\($0)'" } ?? "") + " --ticket-keys '\(path)'"
        guard tickets > 0 || FileManager.default.fileExists(atPath: path) else {
            print("no tickets were issued with this store; serve creates a keyring at --ticket-keys on first start.")
            print("Serve it with:\n  \(serve)")
            return
        }
        let store: PostgresStore
        do {
            store = try PostgresStore.open(url: to, passwordFile: passwordFile(environment), environment: environment,
                                           now: SystemClock().now())
        } catch {
            throw ValidationError("the copy is complete, but opening it as the gateway will failed: \(error)")
        }
        defer { try? store.closeCleanly() }
        let keyring: TicketKeyring
        do {
            keyring = try TicketKeyCheck.open(path: path, store: store, now: SystemClock().now())
        } catch {
            throw ValidationError("the copy is complete, but its tickets cannot be verified: \(error)")
        }
        var verified: [String] = []
        for (keyID, code) in try store.sampleTicketCodesByKey().sorted(by: { $0.key < $1.key }) {
            do {
                _ = try keyring.verify(code)
                verified.append(keyID)
            } catch {
                throw ValidationError("the copy is complete, but ticket \(code) (key id \(keyID)) does not verify "
                    + "with \(path): \(error)")
            }
        }
        print("ticket keyring \(path): matches the copied key fingerprints; a code of key id(s) "
            + "\(verified.joined(separator: ", ")) verified (\(tickets) ticket(s) copied)")
        print("Serve it with:\n  \(serve)")
    }
}
