import KitchenModel
import StorageModel

/// A 晨检仪's `check` event into the morning-check ledger, through the same desk and rules as a
/// check made through the API. The entry's source is `device:<device id>`; an event already
/// recorded (same device, boot and seq: a broker redelivery, a replay) is not appended again.
extension MorningCheckDesk {
    public enum DeviceCheckOutcome: Sendable {
        case recorded(ChainEntry, MorningCheckRecord)
        /// This event is already in the ledger.
        case alreadyRecorded(seq: Int64)
    }

    public static func source(device: DeviceID) -> String { "device:\(device)" }

    /// Records `event`, made at `at` by `device` of `site`; throws ``LedgerRefusal`` (nothing stored)
    /// for an unknown worker or an impossible check, exactly as the API does.
    public func record(_ event: MorningCheckEvent, device: DeviceID, site: SiteID, at: EpochMillis,
                       boot: Int64, seq: Int64) throws -> DeviceCheckOutcome {
        let source = Self.source(device: device)
        let identity = "\(boot)/\(seq)"
        if let existing = try recorded(identity, source: source, site: site, at: at) {
            return .alreadyRecorded(seq: existing)
        }
        let input = MorningCheckInput(worker: event.worker, at: at, temperatureC: event.temperatureC,
                                      uniformOK: event.uniformOK, hygieneOK: event.handsOK, symptoms: event.symptoms,
                                      checker: source, remark: "identified by \(event.via.rawValue)")
        let made = try record(input, site: site, source: source, deviceEvent: identity)
        return .recorded(made.entry, made.record)
    }

    /// The ledger seq of the entry recorded from this device event, if any. A redelivered event
    /// carries the same `ts`, so only that day's entries are read.
    private func recorded(_ identity: String, source: String, site: SiteID, at: EpochMillis) throws -> Int64? {
        let day = CivilDay(containing: at)
        return try book.store.ledgerEntries(site: site, since: day.start, until: day.start + 86_400_000)
            .first { entry in
                guard entry.kind == Self.kind, entry.source == source,
                      let record = try? LedgerBody.decode(MorningCheckRecord.self, from: entry.body) else { return false }
                return record.deviceEvent == identity
            }?.seq
    }
}
