import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebAPI

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

@Suite struct RegionSummaryAPITests {
    @Test func aCitySummaryCountsItsCountiesAndSites() async throws {
        let f = try WebFixture()
        let wuhan = try f.token(.regulator, "4201")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/regions/4201/summary", method: .get, headers: wuhan) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                let region = try #require(body["region"] as? [String: Any])
                #expect(region["level"] as? String == "city")
                #expect(region["name"] as? String == "武汉市")
                #expect(region["sites"] as? Int == 3)
                #expect(region["status"] as? String == "red")  // the open class-1 violation
                #expect(region["tickets_today"] as? Int == 1)
                let alarms = try #require(region["open_alarms"] as? [String: Int])
                // al_in cleared and was rectified, so it closed itself; al_v (class 1) is open.
                #expect(alarms["total"] == 1 && alarms["class1"] == 1 && alarms["unclassified"] == 0)
                #expect((region["cards"] as? [String: Int])?["yellow"] == 1)
                let devices = try #require(region["devices"] as? [String: Int])
                // fridge-1 reporting, and cam-1 (the voice-warning camera of al_v) that never has.
                #expect(devices["total"] == 2 && devices["online"] == 1)
                let children = try #require(body["children"] as? [[String: Any]])
                #expect(children.compactMap { $0["code"] as? String } == ["420106", "420107", "420111"])
                #expect(children.compactMap { $0["status"] as? String } == ["green", "red", "green"])
                #expect(children.compactMap { $0["name"] as? String } == ["武昌区", "青山区", "洪山区"])
            }
        }
    }

    @Test func aCountyListsItsStationsAndItsDirectSites() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/regions/420107/summary", method: .get, headers: admin) { response in
                let body = try object(response.body)
                let children = try #require(body["children"] as? [[String: Any]])
                #expect(children.first?["code"] as? String == "420107-01")
                #expect(children.first?["level"] as? String == "station")
                #expect(children.first?["name"] as? String == "青山区 01")
            }
            try await client.execute(uri: "/api/v1/regions/420106/summary", method: .get, headers: admin) { response in
                let body = try object(response.body)
                #expect((body["children"] as? [Any])?.isEmpty == true)
                #expect(body["direct_sites"] as? [String] == ["canteen-01"])
            }
            try await client.execute(uri: "/api/v1/regions/42/summary", method: .get, headers: admin) { response in
                let children = try #require(try object(response.body)["children"] as? [[String: Any]])
                #expect(children.compactMap { $0["code"] as? String } == ["4201"])
            }
        }
    }

    @Test func badUnknownAndOutOfScopeCodesAreJSONErrors() async throws {
        let f = try WebFixture()
        let wuhan = try f.token(.regulator, "4201")
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            for (uri, headers, status) in [
                ("/api/v1/regions/4/summary", wuhan, HTTPResponse.Status.badRequest),
                ("/api/v1/regions/42x1/summary", wuhan, .badRequest),
                ("/api/v1/regions/42/summary", wuhan, .forbidden),  // the province is above the token
                ("/api/v1/regions/420199/summary", wuhan, .notFound),
                ("/api/v1/regions/420106/summary", site, .forbidden),
            ] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == status, "\(uri)")
                    #expect((try? object(response.body))?["message"] is String, "\(uri)")
                }
            }
        }
    }
}
