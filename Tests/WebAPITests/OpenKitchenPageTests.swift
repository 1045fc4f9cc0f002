import Foundation
import Gateway
import GatewayPorts
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

/// Two kitchens in a real store behind the real router: a Wuhan school canteen with a licence,
/// a fridge, a public camera and a private one, and a Changsha canteen whose facts must never
/// show on the Wuhan page.
private struct KitchenFixture {
    let dir = TemporaryDirectory("bk-kitchen")
    let store: any GatewayStore
    let model: StateModel
    /// 2026-11-22 08:00 in Wuhan: the canteen (06:00-20:00) is open.
    let clock = ManualClock(webT0)
    static let site = SiteID("canteen-01")!
    static let fridge = DeviceKey(site: site, device: DeviceID("fridge-1")!)
    static let camera = DeviceKey(site: site, device: DeviceID("cam-1")!)
    static let hidden = DeviceKey(site: site, device: DeviceID("cam-2")!)
    static let otherCamera = DeviceKey(site: SiteID("canteen-02")!, device: DeviceID("cam-9")!)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x42, 0xFF, 0xD9]

    init(_ backend: StoreBackend = .sqlite) throws {
        store = try openWebTestStore(backend, in: dir)
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "06:00-20:00",
                 licence: JY14201060012345, public_cameras: [cam-1]}
              - {id: canteen-02, name: 长沙食堂, kind: canteen, region: "430102", licence: JY24301020099999,
                 public_cameras: [cam-9]}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
              - {id: fridge-2, site: canteen-01, kind: thermo, zone: cold}
              - {id: cam-1, site: canteen-01, kind: camera}
              - {id: cam-2, site: canteen-01, kind: camera}
              - {id: fridge-9, site: canteen-02, kind: thermo, zone: cold}
              - {id: cam-9, site: canteen-02, kind: camera}
            """)
        model = StateModel(registry: registry, restoring: [], startedAt: webT0 - 86_400_000)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        // Today (local day from 00:00): 2.0 ... 5.0 °C, inside the cold zone's 0-8 °C.
        var items: [WriteItem] = []
        for (i, celsius) in [2.0, 3.0, 4.0, 5.0].enumerated() {
            let at = webT0 - 4 * 3_600_000 + EpochMillis(i) * 3_600_000
            items.append(.reading(ReadingRecord(key: Self.fridge, boot: 1, seq: Int64(i + 1), deviceTime: at,
                                                receivedAt: at, readings: .thermo(ThermoReading(celsius: celsius)))))
        }
        // The second fridge ran warm at 07:00.
        for (i, celsius) in [3.0, 9.5].enumerated() {
            let at = webT0 - 2 * 3_600_000 + EpochMillis(i) * 3_600_000
            items.append(.reading(ReadingRecord(key: DeviceKey(site: Self.site, device: DeviceID("fridge-2")!), boot: 1,
                                                seq: Int64(i + 1), deviceTime: at, receivedAt: at,
                                                readings: .thermo(ThermoReading(celsius: celsius)))))
        }
        try writer.submitAndWait(items)
        let day: EpochMillis = 86_400_000
        // Closed in the window: two class-2, one class-1; closed too long ago; still open; another site's.
        try closedViolation("v1", Self.camera, .class2, raisedAt: webT0 - 10 * day)
        try closedViolation("v2", Self.camera, .class2, raisedAt: webT0 - 80 * day)
        try closedViolation("v3", Self.hidden, .class1, raisedAt: webT0 - 3 * day)
        try closedViolation("v4", Self.camera, .class1, raisedAt: webT0 - 95 * day)
        try closedViolation("v5", Self.otherCamera, .class1, raisedAt: webT0 - 2 * day)
    }

    func closedViolation(_ id: String, _ camera: DeviceKey, _ risk: RiskClass, raisedAt: EpochMillis) throws {
        let lifecycle = AlarmLifecycle()
        var record = lifecycle.raise(AlarmSignal(.raise, .violation, device: camera, label: "no_hat_\(id)", riskClass: risk,
                                                 at: raisedAt, detail: AlarmDetail(message: "未戴帽", messageEN: "no hat")),
                                     id: id).record
        record = try lifecycle.rectify(record, by: "张师傅", action: "已戴帽", at: raisedAt + 60_000).record
        if record.state != .closed { record = try lifecycle.close(record, by: "监管员", at: raisedAt + 120_000).record }
        try WebFixture.record(record, region: camera.site == Self.site ? "420106" : "430102", store: store)
    }

    func openViolation(on camera: DeviceKey) throws {
        let record = AlarmLifecycle().raise(AlarmSignal(.raise, .violation, device: camera, label: "rodent", riskClass: .class1,
                                                        at: clock.now(), detail: AlarmDetail(message: "发现老鼠", messageEN: "rodent")),
                                            id: "open-1").record
        try WebFixture.record(record, region: "420106", store: store)
    }

    /// The HTTP layer as `serve` wires it; alarms are restored from the store, as at a start.
    func dependencies() throws -> APIDependencies {
        try .gateway(model: model, store: store, clock: clock)
    }

    func test(_ dependencies: APIDependencies, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(dependencies)).test(.router, body)
    }
}

private func get(_ client: some TestClientProtocol, _ uri: String, english: Bool = false) async throws
    -> (status: HTTPResponse.Status, headers: HTTPFields, body: String, bytes: [UInt8])
{
    let headers: HTTPFields = english ? [.acceptLanguage: "en"] : [:]
    return try await client.execute(uri: uri, method: .get, headers: headers) { response in
        (response.status, response.headers, String(buffer: response.body), Array(response.body.readableBytesView))
    }
}

@Suite struct OpenKitchenPageTests {
    @Test(arguments: StoreBackend.allCases) func thePageShowsTheKitchenTodayAndNothingElse(_ backend: StoreBackend) async throws {
        let f = try KitchenFixture(backend)
        let dependencies = try f.dependencies()
        dependencies.publicPictures.keep(KitchenFixture.jpeg, camera: KitchenFixture.camera, at: webT0 - 60_000)
        dependencies.publicPictures.keep(KitchenFixture.jpeg, camera: KitchenFixture.otherCamera, at: webT0 - 60_000)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).0
        try await f.test(dependencies) { client in
            let page = try await get(client, "/k/canteen-01")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.body.contains("<html lang=\"zh-CN\">") && page.body.contains("width=device-width"))
            #expect(page.body.contains("<h1>第一中学食堂</h1>"))
            #expect(page.body.contains("湖北省 武汉市 武昌区"))
            #expect(page.body.contains("<dd>JY14201060012345</dd>"))
            #expect(page.body.contains("<dt>冷藏 1</dt><dd><span class=\"pass\">✓ 全部在范围内</span>"), "\(page.body)")
            #expect(page.body.contains("今日 2.0 至 5.0 °C，标准 0.0–8.0 °C"))
            #expect(page.body.contains("<dt>冷藏 2</dt><dd><span class=\"fail\">✗ 曾超出范围</span> <span class=\"muted\">今日 3.0 至 9.5 °C"))
            // v1 and v2 (class 2) and v3 (class 1) are closed within 90 days; v4 is older, v5 is Changsha's.
            #expect(page.body.contains("<dt>一类违规</dt><dd>1 起</dd>") && page.body.contains("<dt>二类违规</dt><dd>2 起</dd>"))
            #expect(page.body.contains("src=\"/k/canteen-01/cameras/1?at=\(webT0 - 60_000)\""))
            // No device ids, no tokens, no ledgers, no grade, nothing of the other site.
            for secret in ["cam-1", "cam-2", "fridge-1", "fridge-2", "cam-9", "fridge-9", token, "长沙", "JY2430102", "430102", "台账", "等级"] {
                #expect(!page.body.contains(secret), "\(secret)")
            }
            let picture = try await get(client, "/k/canteen-01/cameras/1")
            #expect(picture.status == .ok && picture.bytes == KitchenFixture.jpeg)
            #expect(picture.headers[.contentType] == "image/jpeg" && picture.headers[.cacheControl] == "no-store")
            // Only the cameras the site listed, by number: the private cam-2 has none.
            for n in ["2", "0", "-1", "x", "99999999999999999999"] {
                #expect(try await get(client, "/k/canteen-01/cameras/\(n)").status == .notFound, "\(n)")
            }
            let english = try await get(client, "/k/canteen-01", english: true)
            #expect(english.body.contains("Temperatures today") && english.body.contains("<html lang=\"en\">"))
            // The poster's upper-case QR URL reaches the same page.
            #expect(try await get(client, "/K/CANTEEN-01").body == page.body)
        }
    }

    @Test func noPictureOutsideHoursNorWhileTheCameraHasAnOpenAlarm() async throws {
        let f = try KitchenFixture()
        let open = try f.dependencies()
        open.publicPictures.keep(KitchenFixture.jpeg, camera: KitchenFixture.camera, at: webT0 - 60_000)
        try await f.test(open) { client in
            #expect(try await get(client, "/k/canteen-01/cameras/1").status == .ok)
            // 21:00: closed. Neither the page (rendered afresh: the cache is 30 s) nor the picture.
            f.clock.advance(byMillis: 13 * 3_600_000)
            let page = try await get(client, "/k/canteen-01")
            #expect(page.body.contains("非营业时间，不显示画面。") && !page.body.contains("/cameras/1"))
            #expect(try await get(client, "/k/canteen-01/cameras/1").status == .notFound)
        }
        // Back in hours, with a violation open on the camera: its latest frame may be the evidence.
        f.clock.advance(byMillis: -13 * 3_600_000)
        try f.openViolation(on: KitchenFixture.camera)
        let alarmed = try f.dependencies()
        alarmed.publicPictures.keep(KitchenFixture.jpeg, camera: KitchenFixture.camera, at: webT0 - 60_000)
        try await f.test(alarmed) { client in
            #expect(try await get(client, "/k/canteen-01/cameras/1").status == .notFound)
            let page = try await get(client, "/k/canteen-01")
            #expect(page.body.contains("暂无画面") && !page.body.contains("/cameras/1"))
            #expect(!page.body.contains("老鼠") && !page.body.contains("open-1"))
        }
    }

    @Test func thePageIsServedFromItsCacheForThirtySeconds() async throws {
        let f = try KitchenFixture()
        let dependencies = try f.dependencies()
        try await f.test(dependencies) { client in
            let first = try await get(client, "/k/canteen-01")
            #expect(!first.body.contains("/cameras/1"))
            dependencies.publicPictures.keep(KitchenFixture.jpeg, camera: KitchenFixture.camera, at: webT0)
            f.clock.advance(byMillis: 29_000)
            #expect(try await get(client, "/k/canteen-01").body == first.body, "the same rendered page")
            f.clock.advance(byMillis: 1_000)
            #expect(try await get(client, "/k/canteen-01").body.contains("/cameras/1"), "rendered afresh")
        }
    }

    @Test func anUnknownKitchenIsANotFoundPageThatNamesNoOther() async throws {
        let f = try KitchenFixture()
        try await f.test(try f.dependencies()) { client in
            for uri in ["/k/canteen-99", "/k/_x", "/k/%2e%2e", "/k/" + String(repeating: "a", count: 200)] {
                let page = try await get(client, uri)
                #expect(page.status == .notFound, "\(uri)")
                #expect(!page.body.contains("食堂"), "\(uri)")
            }
            #expect(try await get(client, "/k/canteen-99/poster").status == .notFound)
            #expect(try await get(client, "/k/canteen-99/cameras/1").status == .notFound)
        }
    }

    @Test func thePosterCarriesTheQRCodeOfThePage() async throws {
        let f = try KitchenFixture()
        try await f.test(try f.dependencies()) { client in
            let poster = try await get(client, "/k/canteen-01/poster")
            #expect(poster.status == .ok)
            #expect(poster.body.contains("<h1>第一中学食堂</h1>") && poster.body.contains("许可证号 JY14201060012345"))
            #expect(poster.body.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(poster.body.contains("HTTPS://T.EXAMPLE.CN/K/CANTEEN-01"))
            #expect(poster.body.contains("@media print"))
            #expect(!poster.body.contains("cam-1") && !poster.body.contains("fridge-1"))
        }
    }

    @Test func thePosterURLKeepsTheLookupBase() {
        #expect(KitchenPoster.url(site: SiteID("canteen-01")!, lookupPrefix: "HTTPS://T.EXAMPLE.CN/T/")
                    == "HTTPS://T.EXAMPLE.CN/K/CANTEEN-01")
        #expect(KitchenPoster.url(site: SiteID("c_1")!, lookupPrefix: "HTTP://10.0.0.1:8080/TRACE/T/")
                    == "HTTP://10.0.0.1:8080/TRACE/K/C_1")
    }

    /// On a real socket, a cached kitchen page is answered by `LookupFastPath` with the router's
    /// bytes and headers; an expired one goes back to the router.
    @Test func aCachedKitchenPageIsAnsweredBeforeTheRouter() async throws {
        let f = try KitchenFixture()
        let lookup = PublicLookup(try f.dependencies())
        let app = try buildApplication(lookup.dependencies, lookup: lookup, host: "127.0.0.1", port: 0, services: [],
                                       logger: Logger(label: "test"))
        @Sendable func fast() -> Int { lookup.fastAnswers.load(ordering: .relaxed) }
        try await app.test(.live) { client in
            let first = try await client.execute(uri: "/k/canteen-01", method: .get)
            #expect(fast() == 0, "a first visit renders through the router")
            let second = try await client.execute(uri: "/K/CANTEEN-01", method: .get)
            #expect(fast() == 1, "the next one is the cached page")
            #expect(first.status == .ok && second.status == .ok && second.body == first.body)
            func comparable(_ fields: HTTPFields) -> [String] {
                fields.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }.sorted()
            }
            #expect(comparable(second.headers) == comparable(first.headers))
            _ = try await client.execute(uri: "/k/canteen-01/poster", method: .get)
            _ = try await client.execute(uri: "/k/canteen-99", method: .get)
            #expect(fast() == 1, "posters and unknown sites are the router's")
            f.clock.advance(byMillis: 30_000)
            let later = try await client.execute(uri: "/k/canteen-01", method: .get)
            #expect(fast() == 1 && later.status == .ok, "an expired page is rendered again by the router")
        }
    }
}
