import KitchenModel

/// The chaining both stores do inside an append's transaction: the next seq and prev per site,
/// correction checks, and the last entry per (site, day) whose head is to be signed.
public struct LedgerAppendState {
    /// Each touched site's last entry so far; the store fills in a site's stored tail on first touch.
    public var last: [SiteID: (seq: Int64, hash: String)] = [:]
    public private(set) var appended: [ChainEntry] = []
    private var dayTails: [DayKey: ChainEntry] = [:]
    private var dayOrder: [DayKey] = []

    private struct DayKey: Hashable {
        let site: SiteID
        let day: String
    }

    public init() {}

    /// Links `draft` after its site's last entry. `storedEntryExists(seq)` answers whether an entry
    /// appended before this transaction exists; entries of this batch are known here.
    public mutating func next(_ draft: LedgerDraft, storedEntryExists: (Int64) throws -> Bool) throws -> ChainEntry {
        guard let tail = last[draft.site] else { preconditionFailure("the store loads a site's tail before linking") }
        if let target = draft.corrects {
            let inBatch = appended.contains { $0.site == draft.site && $0.seq == target }
            guard target >= 1, target <= tail.seq, try inBatch || storedEntryExists(target) else {
                throw LedgerAppendError.unknownCorrection(site: draft.site, seq: target)
            }
        }
        let entry = LedgerChain.link(draft, seq: tail.seq + 1, prev: tail.hash)
        last[draft.site] = (entry.seq, entry.hash)
        appended.append(entry)
        let key = DayKey(site: entry.site, day: LedgerChain.day(of: entry.recordedAt))
        if dayTails.updateValue(entry, forKey: key) == nil { dayOrder.append(key) }
        return entry
    }

    /// One signed head per (site, day) this batch touched: its last entry.
    public func heads(_ signer: LedgerHeadSigner) -> [LedgerDayHead] {
        dayOrder.map { key in
            let tail = dayTails[key]!
            return signer(key.site, key.day, tail.seq, tail.hash)
        }
    }
}
