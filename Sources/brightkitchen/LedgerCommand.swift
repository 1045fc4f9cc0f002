import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import Ledgers
import StorageModel
import Traceability

/// `brightkitchen ledger verify|export`: the kitchen ledgers' chains checked or exported for an
/// auditor (docs/ledgers.md). Verification needs no running gateway and, for a file, no database.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Verify or export the tamper-evident kitchen ledgers (电子台账).",
        subcommands: [VerifyChain.self, Export.self])

    struct VerifyChain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check a site's, a region's or an exported file's ledger chains.",
            discussion: """
                Names the first broken entry of each site. Exit status 0: every chain intact; 1: a chain \
                or file was altered; 2: signatures could not be checked (no keyring, or a key it lacks).
                """)

        @Option(help: "Site id.") var site: String?
        @Option(help: "Region code (2, 4 or 6 digits): every registry site in it.") var region: String?
        @Option(help: "An export written by `ledger export` (checked offline; no database).") var file: String?
        @Option(help: "Registry YAML, for --region (env BK_CONFIG).") var config: String?
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            guard [site, region, file].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --site, --region, --file")
            }
            let keys = try loadKeyring()
            if keys == nil { print("note: no ticket keyring found, so day-head signatures are NOT checked") }
            var results: [LedgerVerification] = []
            var fileProblems: [String] = []
            if let file {
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw ValidationError("cannot read \(file): \(error.localizedDescription)")
                }
                do {
                    let outcome = try LedgerExport.verify(text, keyring: keys)
                    fileProblems = outcome.fileProblems
                    results = outcome.sites
                } catch {
                    print("BROKEN: \(TerminalText.escape(file)) \(TerminalText.escape("\(error)"))")
                    throw ExitCode(1)
                }
            } else {
                let store = try keyring.openStore()
                for id in try sites(store) {
                    results.append(try LedgerVerifier.verify(site: id, store: store, keyring: keys))
                }
            }
            for problem in fileProblems { print("BROKEN: \(TerminalText.escape(problem))") }
            var broken = !fileProblems.isEmpty
            var unchecked = keys == nil
            for result in results {
                if let first = result.firstProblem {
                    broken = true
                    print("BROKEN \(result.site): first broken entry #\(first.seq): \(TerminalText.escape(first.problem))"
                          + (result.problems.count > 1 ? " (\(result.problems.count) problems in all)" : ""))
                } else {
                    print("intact \(result.site): \(result.entries) entries, \(result.heads) day heads, "
                          + "\(result.signaturesChecked) signatures genuine")
                }
                if result.problems.contains(where: { $0.problem.contains("which the keyring lacks") }) { unchecked = true }
            }
            if results.isEmpty { print("no ledger entries found") }
            if broken { throw ExitCode(1) }
            if unchecked { throw ExitCode(2) }
        }

        /// The keyring to check signatures with: for a file only when one is named (an auditor's
        /// machine has no database beside which to look); otherwise found the way `serve` finds it.
        func loadKeyring() throws -> TicketKeyring? {
            if file != nil, keyring.keys == nil, ProcessInfo.processInfo.environment["BK_TICKET_KEYS"] == nil {
                return nil
            }
            let path = try keyring.path()
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try KeyringFile.load(path: path)
        }

        func sites(_ store: any GatewayStore) throws -> [SiteID] {
            if let site {
                guard let id = SiteID(site) else { throw ValidationError("'\(TerminalText.escape(site))' is not a site id") }
                return [id]
            }
            guard let region, let node = RegionNode(region) else {
                throw ValidationError("--region must be a division code of 2, 4 or 6 digits")
            }
            let registry = try RegistryFile.load(path: config ?? ProcessInfo.processInfo.environment["BK_CONFIG"] ?? "brightkitchen.yaml")
            let inRegion = Set(registry.sites.values.filter { node.contains($0.region) }.map(\.id))
            // Sites with entries but gone from the registry are not silently skipped when their region is unknown.
            return try store.ledgerSites().filter(inRegion.contains) + inRegion.subtracting(try store.ledgerSites()).sorted()
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a site's ledger chain and signed day heads as a signed JSON-lines file for an auditor.")

        @Option(help: "Site id.") var site: String
        @Option(help: "Output file (default: standard output).") var output: String?
        @OptionGroup var keyring: KeyringOption

        func run() throws {
            guard let id = SiteID(site) else { throw ValidationError("'\(TerminalText.escape(site))' is not a site id") }
            let keys = try KeyringFile.load(path: try keyring.path())
            let store = try keyring.openStore()
            var entries: [ChainEntry] = []
            while true {
                let page = try store.ledgerEntries(site: id, fromSeq: (entries.last?.seq ?? 0) + 1, limit: 10_000)
                entries += page
                if page.count < 10_000 { break }
            }
            let text = LedgerExport.write([.init(site: id, entries: entries, heads: try store.ledgerHeads(site: id))],
                                          keyring: keys, exportedAt: EpochMillis(Date().timeIntervalSince1970 * 1000))
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    throw ValidationError("cannot write \(output)")
                }
                print("wrote \(entries.count) entries of \(id) to \(TerminalText.escape(output))")
            } else {
                print(text, terminator: "")
            }
        }
    }
}

extension KeyringOption {
    /// The store named by `--database` (or the default beside `--data-dir`), which must exist.
    func openStore() throws -> any GatewayStore {
        guard let store = try existingStore() else { throw ValidationError("no store at \(databasePath)") }
        return store
    }
}
