import Foundation
import KitchenModel
import Ledgers
import Logging

extension GatewayRuntime {
    /// The registry's `staff:` lists into the staff ledger at start: a changed worker is a new
    /// `staff` entry (source `registry`); an impossible record refuses the start, naming it.
    /// A shard syncs its own sites only (`sites`): each of a province's shards would otherwise
    /// compare every worker of the province at each start (5 s for 2,000 sites).
    static func syncStaff(registryPath: String, sites: Set<SiteID>?, ledgers: LedgerBook, logger: Logger) throws {
        guard let text = try? String(contentsOfFile: registryPath, encoding: .utf8) else { return }   // RegistryFile reports it
        let staff = try StaffFile.parse(yaml: text).filter { sites?.contains($0.key) ?? true }
        guard !staff.isEmpty else { return }
        let recorded = try StaffDesk(book: ledgers).sync(staff)
        logger.info("staff ledger synced from the registry", metadata: [
            "workers": "\(staff.values.map(\.count).reduce(0, +))", "recorded": "\(recorded)",
        ])
    }
}

extension GatewayRuntime {
    /// The registry's `meal_plan:` lists into the ledger at start, like staff: a changed standing
    /// plan is a new `meal-plan` entry; an impossible one refuses the start, naming it. A shard:
    /// its own sites only, like staff.
    static func syncMealPlans(registryPath: String, sites: Set<SiteID>?, ledgers: LedgerBook, logger: Logger) throws {
        guard let text = try? String(contentsOfFile: registryPath, encoding: .utf8) else { return }
        let plans = try MealPlanFile.parse(yaml: text).filter { sites?.contains($0.key) ?? true }
        guard !plans.isEmpty else { return }
        let recorded = try MealPlanDesk(book: ledgers).sync(plans)
        logger.info("meal plans synced from the registry", metadata: ["sites": "\(plans.count)", "recorded": "\(recorded)"])
    }
}
