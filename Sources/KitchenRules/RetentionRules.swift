/// The legal floors on how long records are kept (DOMAIN.md, "Traceability"). Storage deletes by
/// whatever days it is given; the gateway passes them through here first.
public enum RetentionRules {
    /// Batches and tickets (进货查验, market sales records): at least six months.
    public static let minimumTraceabilityDays = 183

    /// The days actually kept for a requested traceability retention: never below the floor.
    public static func traceabilityDays(requested days: Int) -> Int {
        max(days, minimumTraceabilityDays)
    }

    /// Why a configured traceability retention is refused (the command line says so at start
    /// rather than silently raising it), or nil when it is lawful.
    public static func problem(traceabilityDays days: Int) -> String? {
        days >= minimumTraceabilityDays ? nil
            : "must be at least \(minimumTraceabilityDays): market records are kept six months or more"
    }
}
