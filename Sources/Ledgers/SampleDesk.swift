import KitchenModel
import StorageModel

/// One sample as the chain says: the latest correction in place of what it corrects, and its
/// removal if it was taken out.
public struct KeptSample: Sendable, Hashable {
    /// The seq of the entry holding `record` (a correction's own seq when corrected).
    public var seq: Int64
    /// This seq and those of the entries it corrects: a removal may name any of them.
    public var seqs: Set<Int64>
    public var source: String
    public var record: SampleRecord
    public var removal: SampleRemoval?

    public var input: SampleInput { record.sample }
    /// When its 48 h are over.
    public var windowEnd: EpochMillis { input.at + SampleRules.keepMillis }
    public var removedEarly: Bool { removal.map { $0.at < windowEnd } ?? false }
}

/// A site's samples and removals folded from its entries (in seq order).
public struct SampleLog: Sendable {
    public private(set) var samples: [KeptSample] = []

    public init(entries: [ChainEntry]) {
        var bySeq: [Int64: Int] = [:]
        for entry in entries {
            switch entry.kind {
            case SampleDesk.kind:
                guard let record = try? LedgerBody.decode(SampleRecord.self, from: entry.body) else { continue }
                if let corrected = entry.corrects, let index = bySeq[corrected] {
                    samples[index].seq = entry.seq
                    samples[index].seqs.insert(entry.seq)
                    samples[index].source = entry.source
                    samples[index].record = record
                    bySeq[entry.seq] = index
                } else {
                    bySeq[entry.seq] = samples.count
                    samples.append(KeptSample(seq: entry.seq, seqs: [entry.seq], source: entry.source, record: record))
                }
            case SampleDesk.removalKind:
                guard let removal = try? LedgerBody.decode(SampleRemoval.self, from: entry.body),
                      let index = bySeq[removal.sample], samples[index].removal == nil else { continue }
                samples[index].removal = removal
            default:
                continue
            }
        }
    }

    /// Samples taken on `day`.
    public func taken(on day: CivilDay) -> [KeptSample] {
        samples.filter { $0.input.at >= day.start && $0.input.at < day.start + 86_400_000 }
    }

    /// The sample still in `fridge` under `box` put in last, if any.
    public func inFridge(_ fridge: String, box: String) -> KeptSample? {
        samples.last { $0.input.fridge == fridge && $0.input.box == box && $0.removal == nil }
    }
}

/// Samples into the chain: the meal and dish must be on the site's plan for the sample's day,
/// the weight and time possible, the fridge one of the site's.
public struct SampleDesk: Sendable {
    public static let kind = "sample"
    public static let removalKind = "sample-removal"
    /// How far back a removal or a device event's sample is looked for.
    public static let lookback: EpochMillis = 14 * 86_400_000

    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    /// Checks and appends one sample; refuses (stores nothing) an impossible one.
    /// `fridges`: the site's devices a sample may be kept in (nil: not checked, a device's own).
    public func record(_ input: SampleInput, site: SiteID, source: String, fridges: Set<String>? = nil,
                       corrects: Int64? = nil, deviceEvent: String? = nil) throws -> (entry: ChainEntry, record: SampleRecord) {
        if let problem = SampleRules.problem(input) { throw problem }
        if let fridges, !fridges.contains(input.fridge) {
            throw LedgerRefusal("unknown-fridge", "'\(input.fridge.prefix(64))' is not a sample fridge or thermometer of \(site)")
        }
        let day = CivilDay(containing: input.at)
        guard let plan = try MealPlanDesk(book: book).plans(site).plan(on: day), let meal = plan.meal(input.meal) else {
            throw LedgerRefusal("unknown-meal", "\(site) serves no \(input.meal.rawValue) on \(day) (its meal plan)")
        }
        guard meal.dishes.contains(input.dish) else {
            throw LedgerRefusal("unknown-dish", "'\(input.dish.prefix(32))' is not a dish of \(input.meal.rawValue) on \(day) at \(site)")
        }
        if let corrects {
            let target = try book.store.ledgerEntries(site: site, fromSeq: corrects, limit: 1).first
            guard let target, target.seq == corrects, target.kind == Self.kind else {
                throw LedgerRefusal("unknown-correction", "site \(site) has no sample #\(corrects) to correct")
            }
        }
        let record = SampleRecord(sample: input, enough: input.grams >= SampleRules.minimumGrams, deviceEvent: deviceEvent)
        let entry = try book.append(LedgerDraft(site: site, kind: Self.kind, at: input.at, recordedAt: 0, source: source,
                                                corrects: corrects, body: try LedgerBody.encode(record)))
        return (entry, record)
    }

    /// Records that samples left their fridge at `at`, all or none. `samples`: entry seqs.
    @discardableResult
    public func remove(_ samples: [Int64], at: EpochMillis, by: String, site: SiteID, source: String,
                       deviceEvents: [String?]? = nil) throws -> [(entry: ChainEntry, removal: SampleRemoval)] {
        guard (1...80).contains(by.count), SampleRules.isPlain(by) else {
            throw LedgerRefusal("invalid-value", "by must be 1-80 characters of plain text")
        }
        let log = try self.log(site, since: at - Self.lookback, until: at + LedgerBook.futureTolerance + 1)
        var removals: [SampleRemoval] = []
        for (index, seq) in samples.enumerated() {
            guard let kept = log.samples.first(where: { $0.seqs.contains(seq) }) else {
                throw LedgerRefusal("unknown-sample", "site \(site) has no sample #\(seq) taken in the 14 days before")
            }
            guard kept.removal == nil, !removals.contains(where: { kept.seqs.contains($0.sample) }) else {
                throw LedgerRefusal("unknown-sample", "sample #\(seq) was already removed")
            }
            guard at >= kept.input.at else {
                throw LedgerRefusal("invalid-time", "sample #\(seq) cannot leave its fridge before it was taken")
            }
            removals.append(SampleRemoval(sample: kept.seq, meal: kept.input.meal, dish: kept.input.dish, at: at, by: by,
                                          early: at < kept.windowEnd, deviceEvent: deviceEvents?[index]))
        }
        let entries = try book.append(try removals.map {
            LedgerDraft(site: site, kind: Self.removalKind, at: at, recordedAt: 0, source: source, body: try LedgerBody.encode($0))
        })
        return Array(zip(entries, removals))
    }

    /// Samples taken in `[since, until)` and their removals up to now.
    public func log(_ site: SiteID, since: EpochMillis, until: EpochMillis) throws -> SampleLog {
        try Self.log(site, since: since, until: until, store: book.store)
    }

    public static func log(_ site: SiteID, since: EpochMillis, until: EpochMillis, store: any LedgerEntryStore) throws -> SampleLog {
        // Removals come after their samples (up to the lookback later); read them up to the far future.
        let entries = try store.ledgerEntries(site: site, since: since, until: .max)
            .filter { $0.kind == kind || $0.kind == removalKind }
        var log = SampleLog(entries: entries)
        log.keep { $0.input.at < until }
        return log
    }
}

extension SampleLog {
    mutating func keep(_ include: (KeptSample) -> Bool) { samples = samples.filter(include) }
}
