import CameraVision
import Foundation
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing
import WebAPI

import Gateway

private let t0: EpochMillis = 1_795_276_800_000

private let cam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)

/// Evidence routes over a real store holding one alarm with one picture.
private struct EvidenceFixture {
    let dir = TemporaryDirectory("bk-evidence-api")
    let store: Store
    let dependencies: APIDependencies
    let evidenceID: Int64
    let original: [UInt8]
    let thumbnail: [UInt8]

    init() throws {
        store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
              - {id: canteen-02, name: 汉阳食堂, kind: canteen, region: "420105"}
            devices:
              - {id: cam-1, site: canteen-01, kind: camera}
            """)
        let encoder = try #require(JPEGEncoder())
        var kitchen = SyntheticKitchen(width: 480, height: 270)
        original = try kitchen.jpeg(.day, encoder: encoder)
        thumbnail = try #require(try ThumbnailMaker()?.make(from: original, box: nil)).jpeg
        try store.record(alarm: AlarmRow(id: "al_1", identity: "canteen-01/cam-1/violation/rodent",
                                         site: SiteID("canteen-01")!, region: "420106", device: "cam-1", kind: .violation,
                                         riskClass: .class1, state: .raised, card: .none, raisedAt: t0, updatedAt: t0,
                                         recordJSON: "{}"),
                         transition: TransitionRow(alarmID: "al_1", at: t0, kind: "raised", actor: nil, note: nil,
                                                   bodyJSON: "{}"),
                         outboxTargets: [], now: t0)
        evidenceID = try #require(try store.insertEvidence(EvidenceRecord(
            alarmID: "al_1", camera: cam, snapshot: "evt-1", source: .camera, label: "rodent", score: 0.9,
            box: [0.4, 0.75, 0.05, 0.05], at: t0, storedAt: t0, original: original, originalWidth: 480,
            originalHeight: 270, thumbnail: thumbnail, thumbnailWidth: 320, thumbnailHeight: 180), limit: 20))
        dependencies = try .gateway(model: StateModel(registry: registry, restoring: [], startedAt: t0), store: store,
                                    clock: ManualClock(t0))
    }

    func token(_ role: Role, _ scope: String? = nil) throws -> HTTPFields {
        let (token, _) = try store.createToken(role: role, scope: scope, now: t0)
        return [.authorization: "Bearer \(token)"]
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(dependencies)).test(.router, body)
    }
}

@Suite struct EvidenceAPITests {
    @Test func theSiteListsAndFetchesItsEvidence() async throws {
        let f = try EvidenceFixture()
        let site = try f.token(.site, "canteen-01")
        let (id, original, thumbnail) = (f.evidenceID, f.original, f.thumbnail)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/alarms/al_1/evidence", method: .get, headers: site) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                    as? [String: Any])
                let item = try #require((body["evidence"] as? [[String: Any]])?.first)
                #expect(item["id"] as? Int == Int(id))
                #expect(item["label"] as? String == "rodent")
                #expect(item["box"] as? [Double] == [0.4, 0.75, 0.05, 0.05])
                let picture = try #require(item["thumbnail"] as? [String: Any])
                #expect(picture["url"] as? String == "/api/v1/evidence/\(id)/thumbnail.jpg")
                #expect(picture["width"] as? Int == 320)
                #expect(picture["bytes"] as? Int == thumbnail.count)
            }
            try await client.execute(uri: "/api/v1/evidence/\(id)/original.jpg", method: .get, headers: site) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect([UInt8](response.body.readableBytesView) == original)
            }
            try await client.execute(uri: "/api/v1/evidence/\(id)/thumbnail.jpg", method: .get, headers: site) { response in
                #expect([UInt8](response.body.readableBytesView) == thumbnail)
            }
        }
    }

    @Test func othersAreRefusedAndUnknownOrMalformedIDsAreNotFound() async throws {
        let f = try EvidenceFixture()
        let other = try f.token(.site, "canteen-02")
        let regulator = try f.token(.regulator, "42")
        let site = try f.token(.site, "canteen-01")
        let id = f.evidenceID
        try await f.test { client in
            try await client.execute(uri: "/api/v1/evidence/\(id)/original.jpg", method: .get, headers: other) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/alarms/al_1/evidence", method: .get, headers: other) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/evidence/\(id)/thumbnail.jpg", method: .get, headers: regulator) {
                #expect($0.status == .ok, "the province's regulator sees the site's evidence")
            }
            try await client.execute(uri: "/api/v1/evidence/\(id)/original.jpg", method: .get) {
                #expect($0.status == .unauthorized)
            }
            for uri in ["/api/v1/evidence/\(id + 1)/original.jpg", "/api/v1/evidence/abc/original.jpg",
                        "/api/v1/evidence/-1/original.jpg", "/api/v1/evidence/1e3/original.jpg",
                        "/api/v1/evidence/99999999999999999999999/original.jpg",
                        "/api/v1/evidence/..%2F..%2Fetc%2Fpasswd/original.jpg",
                        "/api/v1/evidence/../../etc/passwd", "/api/v1/evidence/\(id)/../../../etc/passwd",
                        "/api/v1/evidence/\(id)/passwd.jpg", "/api/v1/alarms/nope/evidence"] {
                try await client.execute(uri: uri, method: .get, headers: site) { response in
                    #expect(response.status == .notFound || response.status == .badRequest, "\(uri): \(response.status)")
                    #expect(response.headers[.contentType] != "image/jpeg", "\(uri)")
                }
            }
        }
    }
}
