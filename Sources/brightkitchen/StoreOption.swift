import ArgumentParser
import Foundation
import Gateway
import StorageModel

/// `--database` and `--database-password-file` for the commands that read or write the store
/// (tokens, rejects, reports, devices): the same forms and environment variables as `serve`.
struct StoreOption: ParsableArguments {
    @Option(help: "The store: a SQLite file or a postgres:// URL (env BK_DATABASE). Default: ./data/brightkitchen.sqlite.")
    var database: String?

    @Option(help: "PostgreSQL password file (env BK_DATABASE_PASSWORD_FILE); or BK_DATABASE_PASSWORD.")
    var databasePasswordFile: String?

    func open() throws -> any GatewayStore {
        let env = ProcessInfo.processInfo.environment
        let text = database ?? env["BK_DATABASE"] ?? "./data/brightkitchen.sqlite"
        do {
            return try StoreOpener.open(text, passwordFile: databasePasswordFile ?? env["BK_DATABASE_PASSWORD_FILE"]).store
        } catch let failure as StoreOpener.Failure {
            throw ValidationError(failure.description)
        }
    }
}
