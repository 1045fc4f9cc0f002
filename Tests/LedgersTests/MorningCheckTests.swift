import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// 晨检 judged and chained: fever, symptoms and expired certificates exclude; a re-check is flagged.
@Suite struct MorningCheckTests {
    func desk(_ f: LedgerFixture) throws -> MorningCheckDesk {
        let staff = StaffDesk(book: f.book)
        try staff.record(StaffTests.worker("w-001", expiry: "2027-03-31"), site: canteen, source: "test")
        try staff.record(StaffTests.worker("w-002", expiry: "2026-11-19"), site: canteen, source: "test")   // expired yesterday
        var left = StaffTests.worker("w-003")
        left.active = false
        try staff.record(left, site: canteen, source: "test")
        return MorningCheckDesk(book: f.book)
    }

    func check(_ worker: String, _ t: Double, at: EpochMillis, symptoms: [String] = [], uniform: Bool = true) -> MorningCheckInput {
        MorningCheckInput(worker: worker, at: at, temperatureC: t, uniformOK: uniform, symptoms: symptoms, checker: "王主管")
    }

    @Test func theRulesExcludeOnFeverSymptomsAndExpiredCertificates() {
        let rules = MorningCheckRules()
        let valid = StaffTests.worker(expiry: "2027-03-31")
        let at = dayOne + 7 * hour
        #expect(!rules.judge(check("w-001", 37.2, at: at), worker: valid, earlierToday: []).excluded)
        #expect(rules.judge(check("w-001", 37.3, at: at), worker: valid, earlierToday: []).reasons == ["fever"])
        #expect(rules.judge(check("w-001", 36.5, at: at, symptoms: ["diarrhoea"]), worker: valid, earlierToday: []).excluded)
        let expired = rules.judge(check("w-001", 36.5, at: at), worker: StaffTests.worker(expiry: "2026-11-19"), earlierToday: [])
        #expect(expired.excluded && expired.reasons == ["certificate-expired"])
        let untidy = rules.judge(check("w-001", 36.5, at: at, uniform: false), worker: valid, earlierToday: [])
        #expect(!untidy.excluded && untidy.reasons == ["uniform"])
        #expect(!MorningCheckRules(feverThresholdC: 37.5).judge(check("w-001", 37.4, at: at), worker: valid, earlierToday: []).excluded)
    }

    @Test(arguments: StoreBackend.allCases) func checksAreChainedAndAReCheckAfterExclusionIsFlagged(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = try desk(f)
        let at = f.clock.now
        let first = try desk.record(check("w-001", 37.8, at: at - 60_000), site: canteen, source: "api:王主管")
        #expect(first.record.excluded && !first.record.recheckAfterExclusion)
        #expect(first.entry.kind == "morning-check" && first.entry.at == at - 60_000)
        let again = try desk.record(check("w-001", 36.9, at: at), site: canteen, source: "api:王主管")
        #expect(!again.record.excluded && again.record.recheckAfterExclusion, "checked in again the same day after an exclusion")
        let barred = try desk.record(check("w-002", 36.5, at: at), site: canteen, source: "device:checker-1")
        #expect(barred.record.excluded && barred.record.reasons == ["certificate-expired"])
        let today = try desk.checks(canteen, on: CivilDay(containing: at))
        #expect(today.map(\.check.worker) == ["w-001", "w-001", "w-002"])
        // The next day starts clean.
        f.clock.now += 24 * hour
        let tomorrow = try desk.record(check("w-001", 36.6, at: f.clock.now), site: canteen, source: "api:王主管")
        #expect(!tomorrow.record.recheckAfterExclusion)
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func impossibleChecksAreRefusedWithAReasonAndNothingIsStored(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = try desk(f)
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        let now = f.clock.now
        let cases: [(MorningCheckInput, String)] = [
            (check("w-999", 36.5, at: now), "unknown-worker"),
            (check("w-003", 36.5, at: now), "unknown-worker"),   // has left
            (check("w-001", 36.5, at: now + 3_600_000), "future-time"),
            (check("w-001", -36.5, at: now), "negative-value"),
            (check("w-001", 3.65, at: now), "invalid-value"),
            (check("w-001", 36.5, at: now, symptoms: ["headache"]), "invalid-value"),
        ]
        for (input, reason) in cases {
            #expect(throws: LedgerRefusal.self) { try desk.record(input, site: canteen, source: "test") }
            do { _ = try desk.record(input, site: canteen, source: "test") } catch let refusal as LedgerRefusal {
                #expect(refusal.reason == reason, "\(input.worker) \(input.temperatureC)")
            }
        }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before)
    }
}
