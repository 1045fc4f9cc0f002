import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import KitchenRules
import Storage
import StorageModel

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API bearer tokens (stored hashed; the plaintext is printed once).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token and print it.")

        @Option(help: "admin, regulator (scope: region prefix such as 42, 4201, 420106) or site (scope: site id).")
        var role: String

        @Option(help: "Region prefix for regulator, site id for site; none for admin.")
        var scope: String?

        @Option(help: "Who or what the token is for.")
        var label: String?

        @OptionGroup var db: StoreOption

        func run() throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            do {
                try TokenPolicy.checkIssuable(role: role, scope: scope)
            } catch {
                throw ValidationError("\(error)")
            }
            let store = try db.open()
            let (token, record) = try store.createToken(role: role, scope: scope, label: label,
                                                        now: SystemClock().now())
            FileHandle.standardError.write(Data("token \(record.id) (\(role.rawValue)\(scope.map { " " + $0 } ?? "")) created; it is shown only once:\n".utf8))
            print(token)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their plaintext).")
        @OptionGroup var db: StoreOption

        func run() throws {
            let tokens = try db.open().tokens()
            print("id\trole\tscope\tlabel\tcreated\trevoked")
            for t in tokens {
                print("\(t.id)\t\(t.role.rawValue)\t\(t.scope ?? "-")\t\(TerminalText.escape(t.label ?? "-"))\t\(Timestamp.iso(t.createdAt))\t\(t.revokedAt.map(Timestamp.iso) ?? "-")")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
        @Argument var id: Int64
        @OptionGroup var db: StoreOption

        func run() throws {
            guard try db.open().revokeToken(id: id, now: SystemClock().now()) else {
                throw ValidationError("no live token with id \(id)")
            }
            print("token \(id) revoked")
        }
    }
}

enum Timestamp {
    static func iso(_ ms: EpochMillis) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
