import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing
import WebAPI

private let t0: EpochMillis = 1_795_276_800_000

/// The real router over a real SQLite store and a state model with two regions.
private struct APIFixture {
    let dir = TemporaryDirectory("bk-api")
    let store: Store
    let dependencies: APIDependencies

    init() throws {
        store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
              - {id: canteen-02, name: 汉阳食堂, kind: canteen, region: "420105"}
              - {id: market-01, name: 长沙市场, kind: market, region: "430102"}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
              - {id: fridge-1, site: canteen-02, kind: thermo, zone: cold}
            """)
        let model = StateModel(registry: registry, restoring: [], startedAt: t0)
        let key = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
        _ = model.apply(DeviceMessage(key: key, receivedAt: t0, sequence: SequenceStamp(seq: 1, deviceTime: t0),
                                      payload: .telemetry(.thermo(ThermoReading(celsius: 3.5, humidity: 70)))))
        dependencies = try .gateway(model: model, store: store, clock: ManualClock(t0))
    }

    func token(_ role: Role, _ scope: String? = nil) throws -> HTTPFields {
        let (token, _) = try store.createToken(role: role, scope: scope, now: t0)
        return [.authorization: "Bearer \(token)"]
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(dependencies))
        try await app.test(.router, body)
    }
}

private func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

@Suite struct SiteAPITests {
    @Test func healthIsOpen() async throws {
        let f = try APIFixture()
        try await f.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect((try? json(response.body))?["mqtt_connected"] as? Bool == true)
            }
        }
    }

    @Test func apiRoutesNeedAToken() async throws {
        let f = try APIFixture()
        try await f.test { client in
            for uri in ["/api/v1/sites", "/api/v1/sites/canteen-01", "/metrics"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect((try? json(response.body))?["error"] as? String == "unauthorized")
                }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer bk_forged"]) {
                    #expect($0.status == .unauthorized)
                }
            }
        }
    }

    @Test func adminSeesEverySite() async throws {
        let f = try APIFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                let sites = try #require(try json(response.body)["sites"] as? [[String: Any]])
                #expect(sites.compactMap { $0["id"] as? String } == ["canteen-01", "canteen-02", "market-01"])
            }
        }
    }

    @Test func regulatorSeesOnlyItsRegion() async throws {
        let f = try APIFixture()
        let wuchang = try f.token(.regulator, "420106")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites", method: .get, headers: wuchang) { response in
                let sites = try #require(try json(response.body)["sites"] as? [[String: Any]])
                #expect(sites.compactMap { $0["id"] as? String } == ["canteen-01"])
                #expect(sites.first?["region_name"] as? String == "湖北省 武汉市 武昌区", "the region by its GB/T 2260 names")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-02", method: .get, headers: wuchang) {
                #expect($0.status == .forbidden)
                #expect((try? json($0.body))?["error"] as? String == "forbidden")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: wuchang) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func siteTokenSeesItsStateModel() async throws {
        let f = try APIFixture()
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites/canteen-01", method: .get, headers: site) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let devices = try #require(body["devices"] as? [[String: Any]])
                let reading = try #require(devices.first?["reading"] as? [String: Any])
                let values = try #require(reading["values"] as? [String: Double])
                #expect(values["t"] == 3.5)
                #expect(devices.first?["online"] as? Bool == true)
                #expect(devices.first?["last_seq"] as? Int == 1)
            }
        }
    }

    @Test func unknownSitesAre404AndNeverLeakScope() async throws {
        let f = try APIFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            for uri in ["/api/v1/sites/nowhere", "/api/v1/sites/..%2F..%2Fetc", "/api/v1/sites/UPPER"] {
                try await client.execute(uri: uri, method: .get, headers: admin) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect((try? json(response.body))?["error"] as? String == "not_found")
                }
            }
        }
    }

    @Test func metricsArePrometheusText() async throws {
        let f = try APIFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await client.execute(uri: "/metrics", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE bk_rejects_total counter"))
                #expect(text.contains("bk_batch_commit_seconds_bucket"))
            }
        }
    }
}
