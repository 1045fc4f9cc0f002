import Foundation
import Ledgers
import Logging

extension GatewayRuntime {
    /// The registry's `staff:` lists into the staff ledger at start: a changed worker is a new
    /// `staff` entry (source `registry`); an impossible record refuses the start, naming it.
    static func syncStaff(registryPath: String, ledgers: LedgerBook, logger: Logger) throws {
        guard let text = try? String(contentsOfFile: registryPath, encoding: .utf8) else { return }   // RegistryFile reports it
        let staff = try StaffFile.parse(yaml: text)
        guard !staff.isEmpty else { return }
        let recorded = try StaffDesk(book: ledgers).sync(staff)
        logger.info("staff ledger synced from the registry", metadata: [
            "workers": "\(staff.values.map(\.count).reduce(0, +))", "recorded": "\(recorded)",
        ])
    }
}
