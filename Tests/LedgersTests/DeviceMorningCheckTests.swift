import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// A 晨检仪's `check` event through the API's desk: same rules, `device:` source, once per event.
@Suite struct DeviceMorningCheckTests {
    let checker = DeviceID("checker-1")!

    func event(_ worker: String, _ t: Double, symptoms: [String] = [], hands: Bool = true) -> MorningCheckEvent {
        MorningCheckEvent(worker: worker, via: .face, temperatureC: t, handsOK: hands, uniformOK: true, symptoms: symptoms)
    }

    @Test(arguments: StoreBackend.allCases) func anEventIsJudgedLikeAnAPICheckAndAppendedOnce(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = try MorningCheckTests().desk(f)
        let at = f.clock.now - 60_000
        guard case .recorded(let entry, let record) = try desk.record(event("w-001", 37.6, hands: false), device: checker,
                                                                      site: canteen, at: at, boot: 3, seq: 17) else {
            Issue.record("the first delivery must be recorded")
            return
        }
        #expect(entry.source == "device:checker-1" && entry.kind == "morning-check" && entry.at == at)
        #expect(record.excluded && record.reasons == ["fever", "hygiene"] && record.deviceEvent == "3/17")
        #expect(record.check.checker == "device:checker-1" && record.check.remark == "identified by face")

        // The same event again (a redelivery, a replay) is recognised; another seq or boot is a new check.
        guard case .alreadyRecorded(let seq) = try desk.record(event("w-001", 37.6, hands: false), device: checker,
                                                               site: canteen, at: at, boot: 3, seq: 17) else {
            Issue.record("a redelivered event must not be appended again")
            return
        }
        #expect(seq == entry.seq)
        let count = { try f.store.ledgerEntries(site: canteen, kind: "morning-check").count }
        #expect(try count() == 1)
        _ = try desk.record(event("w-001", 36.6), device: checker, site: canteen, at: at + 1000, boot: 4, seq: 17)
        #expect(try count() == 2)
        #expect(try desk.checks(canteen, on: CivilDay(containing: at)).last?.recheckAfterExclusion == true)
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func anUnknownWorkerOrAnExpiredCertificate(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = try MorningCheckTests().desk(f)
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        #expect { try desk.record(event("w-999", 36.5), device: checker, site: canteen, at: f.clock.now, boot: 1, seq: 1) }
            throws: { ($0 as? LedgerRefusal)?.reason == "unknown-worker" }
        #expect { try desk.record(event("w-001", 25.0), device: checker, site: canteen, at: f.clock.now, boot: 1, seq: 2) }
            throws: { ($0 as? LedgerRefusal)?.reason == "invalid-value" }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before, "a refusal stores nothing")
        guard case .recorded(_, let barred) = try desk.record(event("w-002", 36.5), device: checker, site: canteen,
                                                              at: f.clock.now, boot: 1, seq: 3) else {
            Issue.record("an expired certificate is recorded, excluded")
            return
        }
        #expect(barred.excluded && barred.reasons == ["certificate-expired"])
    }
}
