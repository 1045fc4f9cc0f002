import ArgumentParser
import Foundation
import Gateway
import Traceability

/// The ticket keyring file, named the way `serve` finds it.
struct KeyringOption: ParsableArguments {
    @Option(help: "Ticket keyring file (env BK_TICKET_KEYS). Default: ./data/ticket-keys.")
    var keys: String?

    var path: String { keys ?? ProcessInfo.processInfo.environment["BK_TICKET_KEYS"] ?? "./data/ticket-keys" }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a ticket code's signature offline (no database), e.g. from a photo of a receipt.",
        discussion: "Exit status 0: genuine; 1: not genuine. Accepts the code or the whole lookup URL.")

    @Argument(help: "The code, or a URL ending in /t/<code>.")
    var code: String

    @OptionGroup var keyring: KeyringOption

    func run() throws {
        let keys = try KeyringFile.load(path: keyring.path)
        let text = code.split(separator: "/").last.map(String.init) ?? code
        do {
            let verified = try keys.verify(text)
            print("genuine: key \(verified.keyID), trace number \(TraceNumber(ticketID: verified.ticketID).digits)")
        } catch {
            print("NOT genuine: \(error)")
            throw ExitCode(1)
        }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the ticket keyring.", subcommands: [Show.self, Rotate.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List key ids (never the secrets).")
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            let keys = try KeyringFile.load(path: keyring.path)
            print("active  \(keys.activeKey.id)")
            for key in keys.retiredKeys { print("retired \(key.id)  (verifies old codes, signs nothing new)") }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a fresh key active; the old one keeps verifying codes already printed.",
            discussion: "Restart the gateway afterwards so it signs with the new key.")
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            let rotated = try KeyringFile.load(path: keyring.path).rotated()
            try KeyringFile.save(rotated, to: keyring.path)
            print("active key is now \(rotated.activeKey.id); retired: "
                + rotated.retiredKeys.map(\.id.description).joined(separator: ", "))
        }
    }
}
