import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// Staff and their 健康证, kept as `staff` entries of the chain.
@Suite struct StaffTests {
    static func worker(_ id: String = "w-001", expiry: String = "2027-03-31", role: String = "cook") -> Worker {
        Worker(id: id, name: "王芳", role: role, certificateNumber: "420106-2026-0001", certificateExpiry: expiry)
    }

    @Test func certificatesRemindWithinThirtyDaysAndBarOnceExpired() throws {
        let today = try #require(CivilDay("2026-11-20"))
        #expect(Self.worker(expiry: "2026-12-21").certificate(on: today) == .valid)
        #expect(Self.worker(expiry: "2026-12-20").certificate(on: today) == .expiring(daysLeft: 30))
        #expect(Self.worker(expiry: "2026-11-20").certificate(on: today) == .expiring(daysLeft: 0))
        #expect(Self.worker(expiry: "2026-11-19").certificate(on: today) == .expired(daysAgo: 1))
        #expect(Self.worker(expiry: "2026-11-19").certificate(on: today).bars)
        #expect(!Self.worker(expiry: "2026-11-20").certificate(on: today).bars)
        #expect(CivilDay("2028-02-29")!.number - CivilDay("2028-02-28")!.number == 1)
        #expect(CivilDay("2027-02-29") == nil && CivilDay("2026-1-05") == nil && CivilDay("2026-13-01") == nil)
        #expect(CivilDay("2026-11-20")!.description == "2026-11-20")
        #expect(CivilDay(containing: dayOne) == today && CivilDay(containing: dayOne - 1) < today)
    }

    @Test(arguments: StoreBackend.allCases) func recordsAreChainedOnlyWhenTheyChange(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = StaffDesk(book: f.book)
        #expect(try desk.record(Self.worker(), site: canteen, source: "api:admin") != nil)
        #expect(try desk.record(Self.worker(), site: canteen, source: "api:admin") == nil, "unchanged: nothing appended")
        let renewed = try #require(try desk.record(Self.worker(expiry: "2027-12-31"), site: canteen, source: "api:admin"))
        #expect(renewed.seq == 2 && renewed.kind == "staff" && renewed.body.contains(#""cert_expiry":"2027-12-31""#))
        #expect(try desk.roster(canteen).workers["w-001"]?.certificateExpiry == "2027-12-31")
        #expect(try desk.roster(school).workers.isEmpty)
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func impossibleWorkersAreRefusedAndNothingIsStored(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let desk = StaffDesk(book: f.book)
        var bad: [Worker] = []
        for change in 0..<5 {
            var w = Self.worker()
            switch change {
            case 0: w.id = "W 1"
            case 1: w.name = "a\u{202E}b"
            case 2: w.role = "chef-de-partie"
            case 3: w.certificateNumber = "x"
            default: w.certificateExpiry = "2027-02-30"
            }
            bad.append(w)
        }
        for w in bad {
            #expect(throws: LedgerRefusal.self) { try desk.record(w, site: canteen, source: "api:admin") }
        }
        #expect(try f.store.ledgerSites().isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func theRegistrysStaffListsAreSyncedAndRemindersListed(_ backend: StoreBackend) throws {
        let yaml = """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
              - id: school-02
                staff:
                  - {id: w-001, name: 王芳, role: cook, cert_no: "420106-2026-0001", cert_expiry: "2026-12-01"}
                  - {id: w-002, name: 李强, role: helper, cert_no: "420106-2026-0002", cert_expiry: "2026-11-01"}
                  - {id: w-003, name: 张伟, role: manager, cert_no: "420106-2026-0003", cert_expiry: "2027-11-01"}
            devices: []
            """
        let staff = try StaffFile.parse(yaml: yaml)
        #expect(staff.keys.sorted() == [school] && staff[school]?.count == 3)
        let f = try LedgerFixture(backend)
        let desk = StaffDesk(book: f.book)
        #expect(try desk.sync(staff) == 3)
        #expect(try desk.sync(staff) == 0, "a restart with the same file appends nothing")
        let reminders = try desk.reminders(school, today: CivilDay(containing: f.clock.now))
        #expect(reminders.map(\.worker.id) == ["w-001", "w-002"])
        #expect(reminders.map(\.status) == [.expiring(daysLeft: 11), .expired(daysAgo: 19)])
        #expect(try f.store.ledgerEntries(site: school, kind: "staff").allSatisfy { $0.source == "registry" })

        #expect(throws: StaffFile.LoadError.self) {
            try StaffFile.parse(yaml: "sites:\n  - id: s-1\n    staff:\n      - {id: w-1, name: 王, role: wizard, cert_no: \"1234\", cert_expiry: \"2027-01-01\"}\n")
        }
        #expect(throws: StaffFile.LoadError.self) {
            try StaffFile.parse(yaml: """
                sites:
                  - id: s-1
                    staff:
                      - {id: w-1, name: 王, role: cook, cert_no: "1234", cert_expiry: "2027-01-01"}
                      - {id: w-1, name: 李, role: cook, cert_no: "5678", cert_expiry: "2027-01-01"}
                """)
        }
    }
}
