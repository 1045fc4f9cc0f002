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

extension GatewayRuntime {
    /// The registry's `meal_plan:` lists into the ledger at start, like staff: a changed standing
    /// plan is a new `meal-plan` entry; an impossible one refuses the start, naming it.
    static func syncMealPlans(registryPath: String, ledgers: LedgerBook, logger: Logger) throws {
        guard let text = try? String(contentsOfFile: registryPath, encoding: .utf8) else { return }
        let plans = try MealPlanFile.parse(yaml: text)
        guard !plans.isEmpty else { return }
        let recorded = try MealPlanDesk(book: ledgers).sync(plans)
        logger.info("meal plans synced from the registry", metadata: ["sites": "\(plans.count)", "recorded": "\(recorded)"])
    }
}
