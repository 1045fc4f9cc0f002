import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability
import WebAPI

private let t0: EpochMillis = 1_795_276_800_000

/// Batch routes and the public lookup over the real router and a real SQLite store.
private struct TraceFixture {
    let dir = TemporaryDirectory("bk-batch-api")
    let store: Store
    let service: TraceabilityService
    let dependencies: APIDependencies

    init() throws {
        store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: market-01, name: 珞狮路市场, kind: market, region: "420111", stalls: [{id: A12, vendor: 王建国}]}
              - {id: market-02, name: 长沙市场, kind: market, region: "430102"}
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106"}
            """)
        let model = StateModel(registry: registry, restoring: [], startedAt: t0)
        service = TraceabilityService(store: store, batches: BatchCache(store: store, logger: Logger(label: "test")),
                                      issuer: TicketIssuer(keyring: .generate(), publicURL: "https://t.example.cn"))
        dependencies = try .gateway(model: model, store: store, clock: ManualClock(t0), service: service)
    }

    func token(_ role: Role, _ scope: String? = nil) throws -> HTTPFields {
        let (token, _) = try store.createToken(role: role, scope: scope, now: t0)
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(dependencies)).test(.router, body)
    }
}

private let validBatch = #"""
    {"id":"b-1","item":"青菜","category":"蔬菜","quantity":50,"unit":"kg",
     "supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"蔡甸"},"arrival_date":"2026-11-22",
     "inspection":{"method":"voucher","passed":true,"voucher_number":"HG-001"}}
    """#

@Suite struct BatchAPITests {
    @Test(arguments: [
        (#""quantity":50"#, #""quantity":-1"#, "quantity"),
        (#""arrival_date":"2026-11-22""#, #""arrival_date":"2026-13-40""#, "arrival_date"),
        (#""item":"青菜","#, "", "item is required"),
        (#""id":"b-1""#, #""id":"../etc""#, "id '../etc'"),
        (#""voucher_number":"HG-001""#, #""voucher_number":"""#, "inspection.voucher_number is required"),
        (#""method":"voucher""#, #""method":"guess""#, "inspection.method"),
        (#""origin":{"place":"蔡甸"}"#, #""origin":{"place":"蔡甸","region_code":"42"}"#, "region_code"),
        (#""arrival_date""#, #""gtin":"6901234567891","arrival_date""#, "gtin"),
    ])
    func aBadBatchIsRefusedNamingTheField(find: String, replace: String, expected: String) async throws {
        let f = try TraceFixture()
        let headers = try f.token(.site, "market-01")
        let body = validBatch.replacingOccurrences(of: find, with: replace)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites/market-01/batches", method: .post, headers: headers,
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains(expected) && text.contains(#""error":"bad_request""#), "\(text)")
            }
        }
        #expect(try f.store.batch(BatchID("b-1")!) == nil)
    }

    @Test func scopesDecideWhoRecordsAndSees() async throws {
        let f = try TraceFixture()
        let market = try f.token(.site, "market-01")
        let otherMarket = try f.token(.site, "market-02")
        let wuhan = try f.token(.regulator, "4201")
        let hunan = try f.token(.regulator, "43")
        try await f.test { client in
            let uri = "/api/v1/sites/market-01/batches"
            try await client.execute(uri: uri, method: .post, headers: otherMarket, body: ByteBuffer(string: validBatch)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: uri, method: .post, headers: hunan, body: ByteBuffer(string: validBatch)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: uri, method: .post, headers: market, body: ByteBuffer(string: validBatch)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/batches", method: .post, headers: try f.token(.admin),
                                     body: ByteBuffer(string: validBatch)) {
                #expect($0.status == .badRequest, "a canteen is not a market")
            }
            for path in ["/api/v1/batches/b-1", "/api/v1/batches/b-1/tickets", "/api/v1/batches/b-1/epcis"] {
                try await client.execute(uri: path, method: .get, headers: wuhan) { #expect($0.status == .ok, "\(path)") }
                try await client.execute(uri: path, method: .get, headers: hunan) { #expect($0.status == .forbidden, "\(path)") }
                try await client.execute(uri: path, method: .get, headers: otherMarket) {
                    #expect($0.status == .forbidden, "\(path)")
                }
            }
            try await client.execute(uri: "/api/v1/batches/b-1/recall", method: .post, headers: hunan,
                                     body: ByteBuffer(string: #"{"reason":"x"}"#)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/batches/b-1/recall", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"reason":""}"#)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/batches/b-1/recall", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"reason":"抽检不合格"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/batches/b-1/recall", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"reason":"again"}"#)) { #expect($0.status == .conflict) }
        }
        #expect(try f.store.batchHistory(BatchID("b-1")!).map(\.actor).last?.isEmpty == false)
        #expect(f.service.batches.batch(BatchID("b-1")!)?.recall?.reason == "抽检不合格", "the desk's cache saw the recall")
    }

    @Test func theLookupIsPublicAndRefusesForgeries() async throws {
        let f = try TraceFixture()
        try await f.test { client in
            for uri in ["/t/NOTACODE", "/T/0000000000000000000000000", "/api/v1/tickets/%3Cscript%3E"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("<script>"), "nothing echoed unescaped")
                }
            }
            let genuineButUnknown = f.service.issuer.keyring.mint().text
            try await client.execute(uri: "/t/\(genuineButUnknown)", method: .get, headers: [.acceptLanguage: "en"]) {
                #expect($0.status == .notFound)
                #expect(String(buffer: $0.body).contains("Not a genuine code"))
                #expect($0.headers[.contentSecurityPolicy] != nil)
            }
        }
    }
}
