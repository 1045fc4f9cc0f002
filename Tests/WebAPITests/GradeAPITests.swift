import Foundation
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Reports
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

/// Grades, red/black lists and the open data through the real router, on the fixture's sites and
/// alarms graded by the real nightly grading.
@Suite struct GradeAPITests {
    /// Grades the fixture's five sites for each day of `days` (`2026-11-dd`).
    func grade(_ f: WebFixture, days: ClosedRange<Int64>) throws {
        let sites = ["canteen-01", "canteen-03", "market-01", "canteen-02", "market-02"]
            .compactMap { SiteID($0).flatMap { f.dependencies.sites.site($0) } }
        #expect(sites.count == 5)
        for day in days {
            _ = try NightlyGrades.run(day: CivilDate(year: 2026, month: 11, day: day)!, sites: sites.map(GradedSite.init),
                                      store: f.store, feedback: nil, now: webT0)
        }
    }

    @Test(arguments: StoreBackend.allCases) func aRegulatorSeesItsRegionsGradesWithNames(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        try grade(f, days: 22...22)
        let wuhan = try f.token(.regulator, "4201")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/grades", method: .get, headers: wuhan) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect(body["day"] as? String == "2026-11-22")
                let grades = try #require(body["grades"] as? [[String: Any]])
                #expect(grades.compactMap { $0["site"] as? String } == ["canteen-01", "canteen-03", "market-01"])
                let station = try #require(grades.first { $0["site"] as? String == "canteen-03" })
                // The fixture's class-1 violation on a yellow card: 100 - 10 - 4.
                #expect(station["score"] as? Int == 86)
                #expect(station["smiley_zh"] as? String == "良好")
                #expect(station["name"] as? String == "青山食堂")
                #expect((station["region_name"] as? String)?.contains("青山区") == true)
                #expect(station["failed_key_items"] as? [String] == ["class1_violations"])
                #expect(station["facts"] == nil)
            }
            try await client.execute(uri: "/api/v1/sites/canteen-03/grades?from=2026-11-01", method: .get, headers: wuhan) { response in
                let grades = try #require(try object(response.body)["grades"] as? [[String: Any]])
                let facts = try #require(grades.first?["facts"] as? [String: Any])
                #expect(facts["class1_violations"] as? Int == 1)
                #expect(facts["yellow_cards"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/grades?day=2026-13-01", method: .get, headers: wuhan) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func theMonthsListsPutCleanSitesOnTheRedList() async throws {
        let f = try WebFixture()
        try grade(f, days: 1...30)
        let admin = try f.token(.admin)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/regions/42/lists?month=2026-11", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect(body["month"] as? String == "2026-11")
                let red = try #require(body["red"] as? [[String: Any]]).compactMap { $0["site"] as? String }
                // canteen-03 was 良好 from its violation on: off the red list; the Changsha sites are not in 42.
                #expect(Set(red) == ["canteen-01", "market-01"])
                #expect((body["black"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/regions/42/lists?month=2026-1", method: .get, headers: admin) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func theOpenDataNeedsNoLoginAndCarriesNoFacts() async throws {
        let f = try WebFixture()
        try await f.test { client in
            try await client.execute(uri: "/open/grades.json", method: .get) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect((body["grades"] as? [Any])?.isEmpty == true)  // nothing graded yet
            }
        }
        try grade(f, days: 21...22)
        try await f.test { client in
            try await client.execute(uri: "/open/grades.csv", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = String(buffer: response.body).split(separator: "\r\n")
                #expect(lines.count == 6)  // the header and the latest night's five sites
                #expect(lines.first?.hasSuffix("day,site,name,region,region_name,licence,smiley_grade,smiley_grade_zh,"
                    + "risk_grade,inspections_per_year,score") == true)
                #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("2026-11-22,") })
                #expect(lines.contains { $0.contains("第一中学食堂") && $0.contains("优秀") })
            }
            try await client.execute(uri: "/open/grades.json", method: .get) { response in
                let body = try object(response.body)
                #expect(body["day"] as? String == "2026-11-22")
                let grades = try #require(body["grades"] as? [[String: Any]])
                #expect(grades.count == 5)
                #expect(grades.allSatisfy { $0["facts"] == nil })
            }
        }
    }

    @Test func theDashboardShowsTheGradeAndTheLists() async throws {
        let f = try WebFixture()
        try grade(f, days: 1...30)
        let session = try DashboardPageTests.login(f, .admin)
        try await f.test { client in
            try await client.execute(uri: "/dashboard/sites/canteen-03?lang=zh", method: .get, headers: session.headers) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("量化分级"))
                #expect(page.contains("良好"))
                #expect(page.contains("一类违规 −10"))
            }
        }
    }

    @Test func thePublicPageShowsTheDoorSignsGradeButNotTheScore() async throws {
        let f = try WebFixture()
        try grade(f, days: 15...22)
        try await f.test { client in
            try await client.execute(uri: "/k/canteen-03", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("量化分级"))
                #expect(page.contains("🙂 良好"))
                #expect(!page.contains("−10"))  // no deduction
                #expect(!page.contains("一类违规"))
            }
        }
    }
}
