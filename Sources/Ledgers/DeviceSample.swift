import KitchenModel
import StorageModel

/// A 留样柜's `sample` and `door` events into the sample ledger, through the desk and checks the
/// API uses. Entries' source is `device:<device id>`; the sample's fridge is the cabinet itself.
/// An event already recorded (same device, boot and seq: a redelivery, a replay) is not appended again.
extension SampleDesk {
    public enum DeviceOutcome: Sendable {
        case recorded([ChainEntry])
        /// This event is already in the ledger.
        case alreadyRecorded
    }

    /// Records a `sample` event made at `at`; throws ``LedgerRefusal`` (nothing stored) for an
    /// unknown meal or dish, or an impossible weight or time.
    public func record(_ event: SampleEvent, device: DeviceID, site: SiteID, at: EpochMillis,
                       boot: Int64, seq: Int64) throws -> DeviceOutcome {
        let source = MorningCheckDesk.source(device: device)
        let identity = "\(boot)/\(seq)"
        if try recorded(identity, source: source, site: site, around: at) { return .alreadyRecorded }
        let input = SampleInput(meal: event.meal, dish: event.dish, grams: event.grams, at: at, by: event.by ?? source,
                                fridge: device.rawValue, box: event.box)
        return .recorded([try record(input, site: site, source: source, deviceEvent: identity).entry])
    }

    /// Records a `door` event closed at `at`: each removed box's sample leaves the ledger's fridge,
    /// all or none (a box holding no sample of this cabinet is refused as `unknown-sample`).
    public func record(_ event: DoorEvent, device: DeviceID, site: SiteID, at: EpochMillis,
                       boot: Int64, seq: Int64) throws -> DeviceOutcome {
        guard !event.removed.isEmpty else { return .recorded([]) }
        let source = MorningCheckDesk.source(device: device)
        let identity = "\(boot)/\(seq)"
        if try recorded(identity, source: source, site: site, around: at) { return .alreadyRecorded }
        let log = try self.log(site, since: at - Self.lookback, until: at + LedgerBook.futureTolerance + 1)
        var seqs: [Int64] = []
        for box in event.removed {
            guard let kept = log.inFridge(device.rawValue, box: box) else {
                throw LedgerRefusal("unknown-sample", "box '\(box)' of \(device) holds no sample on the ledger")
            }
            seqs.append(kept.seq)
        }
        let made = try remove(seqs, at: at, by: event.by ?? source, site: site, source: source,
                              deviceEvents: event.removed.map { "\(identity)/\($0)" })
        return .recorded(made.map(\.entry))
    }

    /// Whether an entry from this device event is on the ledger. A redelivered event carries the
    /// same `ts`, so only entries of that time are read.
    private func recorded(_ identity: String, source: String, site: SiteID, around at: EpochMillis) throws -> Bool {
        try book.store.ledgerEntries(site: site, since: at, until: at + 1).contains { entry in
            guard entry.source == source else { return false }
            switch entry.kind {
            case Self.kind:
                return (try? LedgerBody.decode(SampleRecord.self, from: entry.body))?.deviceEvent == identity
            case Self.removalKind:
                return (try? LedgerBody.decode(SampleRemoval.self, from: entry.body))?.deviceEvent?.hasPrefix(identity + "/") == true
            default:
                return false
            }
        }
    }
}
