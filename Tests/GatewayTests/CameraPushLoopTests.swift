import CameraVision
import Crypto
import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 18 end to end: the real `brightkitchen serve` and broker, and a camera stand-in speaking
/// the vendors' HTTP side (digest challenge and response, multipart with the picture, GA/T 1400
/// register then `User-Identify` notifications). The alarm must reach the regulator's topic and
/// its evidence the database; hostile requests must be refused with their reason and counted.
@Suite(.serialized) struct CameraPushLoopTests {
    static let gatID = "42010600001320000001"
    static let registry = """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
        devices:
          - {id: cam-hik, site: canteen-01, kind: camera, interval_s: 300,
             source: {family: isapi, id: cam-hik, username: hik, password: "Kitchen-2026!"}}
          - {id: cam-viid, site: canteen-01, kind: camera, interval_s: 300,
             source: {family: gat1400, id: "\(gatID)", password: "Viid-secret-1"}}
        """

    struct Reply {
        var status: Int
        var body: String
        var challenge: String?
    }

    /// A camera's HTTP client: plain POSTs, answering a digest challenge as RFC 7616 says.
    final class CameraStandIn: @unchecked Sendable {
        let host: String
        let username: String
        let password: String
        var nc = 0
        var challenge: [String: String] = [:]
        let session = URLSession(configuration: .ephemeral)

        init(port: Int, username: String, password: String) {
            host = "http://127.0.0.1:\(port)"
            self.username = username
            self.password = password
        }

        func post(_ path: String, _ body: [UInt8], contentType: String, authorization: String? = nil,
                  headers: [String: String] = [:]) async throws -> Reply {
            var request = URLRequest(url: URL(string: host + path)!)
            request.httpMethod = "POST"
            request.httpBody = Data(body)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await session.data(for: request)
            let http = response as? HTTPURLResponse
            return Reply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                         challenge: http?.value(forHTTPHeaderField: "WWW-Authenticate"))
        }

        /// As a camera does: try, take the 401's challenge, retry with the digest.
        func send(_ path: String, _ body: [UInt8], contentType: String, headers: [String: String] = [:]) async throws -> (Reply, String?) {
            if challenge.isEmpty {
                let first = try await post(path, body, contentType: contentType, headers: headers)
                guard first.status == 401, let header = first.challenge else { return (first, nil) }
                challenge = Self.parse(header)
                nc = 0
            }
            let authorization = digest(path)
            let reply = try await post(path, body, contentType: contentType, authorization: authorization, headers: headers)
            return (reply, authorization)
        }

        func digest(_ uri: String, password: String? = nil) -> String {
            nc += 1
            let count = String(format: "%08x", nc)
            let cnonce = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let realm = challenge["realm"] ?? "", nonce = challenge["nonce"] ?? ""
            let ha1 = Self.md5("\(username):\(realm):\(password ?? self.password)")
            let ha2 = Self.md5("POST:\(uri)")
            let response = Self.md5("\(ha1):\(nonce):\(count):\(cnonce):auth:\(ha2)")
            return "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", algorithm=MD5, "
                + "qop=auth, nc=\(count), cnonce=\"\(cnonce)\", response=\"\(response)\", opaque=\"\(challenge["opaque"] ?? "")\""
        }

        static func md5(_ text: String) -> String {
            Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }

        static func parse(_ header: String) -> [String: String] {
            var fields: [String: String] = [:]
            let pattern = try! NSRegularExpression(pattern: #"(\w+)=(?:"([^"]*)"|([^,\s]+))"#)
            let text = header as NSString
            for match in pattern.matches(in: header, range: NSRange(location: 0, length: text.length)) {
                let name = text.substring(with: match.range(at: 1))
                let value = match.range(at: 2).location != NSNotFound ? text.substring(with: match.range(at: 2))
                    : text.substring(with: match.range(at: 3))
                fields[name] = value
            }
            return fields
        }
    }

    func violations(_ store: any GatewayStore) -> [AlarmRow] {
        ((try? store.alarms(AlarmQuery())) ?? []).filter { $0.kind.rawValue == "violation" }
    }

    @Test(arguments: StoreBackend.allCases)
    func isapiAndGATCamerasRaiseAlarmsWithEvidenceAndHostilePushesAreRefused(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let watcher = try bench.deviceClient("regulator")
        defer { watcher.stop() }
        let inbox = Mutex<[String]>([])
        watcher.onMessage { m in inbox.withLock { $0.append(String(decoding: m.payload, as: UTF8.self)) } }
        try watcher.subscribe("bk/v1/_regulator/42/#", qos: 1)
        let gateway = try bench.startGateway()
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let store = try bench.openStore()

        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 11)
        let picture = try kitchen.jpeg(.day, encoder: JPEGEncoder()!)

        // ISAPI: a kitchen AI camera's multipart alert with its picture, behind a digest challenge.
        let hik = CameraStandIn(port: bench.httpPort, username: "hik", password: "Kitchen-2026!")
        let unauthenticated = try await hik.post("/isapi/cam-hik", [], contentType: "application/xml")
        #expect(unauthenticated.status == 401)
        #expect(unauthenticated.challenge?.contains("qop=\"auth\"") == true)
        let alert = CameraPushFixtures.isapiAlertXML(eventType: "mouseDetection")
        let (accepted, usedAuthorization) = try await hik.send("/isapi/cam-hik", CameraPushFixtures.multipart(alert: alert, picture: picture),
                                                               contentType: CameraPushFixtures.multipartContentType())
        #expect(accepted.status == 200, "\(accepted)")
        #expect(eventually(timeout: .seconds(15)) {
            guard let alarm = violations(store).first(where: { $0.device == "cam-hik" }) else { return false }
            return ((try? store.evidence(ofAlarm: alarm.id).count) ?? 0) == 1
        })
        let alarm = try #require(violations(store).first { $0.device == "cam-hik" })
        #expect(alarm.riskClass == RiskClass.class1)
        let evidence = try #require(try store.evidence(ofAlarm: alarm.id).first)
        #expect(evidence.label == "rodent" && evidence.originalBytes == picture.count)
        #expect(eventually(timeout: .seconds(10)) { inbox.withLock { $0.contains { $0.contains(alarm.id) } } },
                "the alarm reaches the regulator's topic")

        // The same authorization again (same nonce count): a replay, refused.
        let replay = try await hik.post("/isapi/cam-hik", CameraPushFixtures.multipart(alert: alert, picture: picture),
                                        contentType: CameraPushFixtures.multipartContentType(), authorization: usedAuthorization)
        #expect(replay.status == 401 && replay.body.contains("replayed"), "\(replay)")
        // A wrong password.
        let wrong = try await hik.post("/isapi/cam-hik", Array(CameraPushFixtures.isapiHeartbeatXML.utf8), contentType: "application/xml",
                                       authorization: hik.digest("/isapi/cam-hik", password: "guessed-password"))
        #expect(wrong.status == 401 && wrong.body.hasPrefix("unauthorized"), "\(wrong)")
        // The guide's heartbeat, a type nobody mapped (counted as unmapped), and a DTD.
        #expect(try await hik.send("/isapi/cam-hik", Array(CameraPushFixtures.isapiHeartbeatXML.utf8), contentType: "application/xml").0.status == 200)
        #expect(try await hik.send("/isapi/cam-hik", Array(CameraPushFixtures.isapiAlertXML(eventType: "VMD").utf8),
                                   contentType: "application/xml").0.status == 200)
        let laughs = #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><EventNotificationAlert><eventType>&a;</eventType></EventNotificationAlert>"#
        let dtd = try await hik.send("/isapi/cam-hik", Array(laughs.utf8), contentType: "application/xml").0
        #expect(dtd.status == 400 && dtd.body.hasPrefix("bad_xml"), "\(dtd)")
        // Truncated multipart (the connection dropped mid-picture, as a camera's might).
        let cut = CameraPushFixtures.multipart(alert: alert, picture: picture)
        let truncated = try await hik.send("/isapi/cam-hik", Array(cut.prefix(cut.count - 100)),
                                           contentType: CameraPushFixtures.multipartContentType()).0
        #expect(truncated.status == 400 && truncated.body.hasPrefix("bad_multipart"), "\(truncated)")
        // A body over the limit is refused before it is read.
        let huge = try await hik.post("/isapi/cam-hik", Array(repeating: 0x41, count: 17 * 1024 * 1024), contentType: "application/xml")
        #expect(huge.status == 413)
        // An id no registry device has.
        #expect(try await hik.post("/isapi/cam-nobody", [], contentType: "application/xml").status == 404)

        // GA/T 1400: register with digest, then a notification carrying only User-Identify.
        let viid = CameraStandIn(port: bench.httpPort, username: Self.gatID, password: "Viid-secret-1")
        let (registered, _) = try await viid.send("/VIID/System/Register", Array(CameraPushFixtures.gatRegister(Self.gatID).utf8),
                                                  contentType: "application/VIID+JSON")
        #expect(registered.status == 200 && registered.body.contains(#""StatusCode":"0""#), "\(registered)")
        // A 1080p picture: base64 makes the body larger than the API's 256 KiB JSON bodies.
        var large = SyntheticKitchen(width: 1920, height: 1080, seed: 12)
        let bigPicture = try large.jpeg(.day, encoder: JPEGEncoder()!)
        let base64 = Data(bigPicture).base64EncodedString()
        #expect(base64.utf8.count > 300_000)
        let notification = CameraPushFixtures.gatNotification(deviceID: Self.gatID, eventSort: "607", base64: base64)
        let notified = try await viid.post("/VIID/SubscribeNotifications", Array(notification.utf8), contentType: "application/VIID+JSON",
                                           headers: ["User-Identify": Self.gatID])
        #expect(notified.status == 200 && notified.body.contains("ResponseStatusListObject"), "\(notified)")
        #expect(eventually(timeout: .seconds(15)) {
            guard let alarm = violations(store).first(where: { $0.device == "cam-viid" }) else { return false }
            return ((try? store.evidence(ofAlarm: alarm.id).count) ?? 0) == 1
        }, "smoking (EventSort 607) raises a class-2 alarm with the picture")
        // A stranger claiming the device's identity without having registered from its address.
        let stranger = try await CameraStandIn(port: bench.httpPort, username: "x", password: "y")
            .post("/VIID/System/Keepalive", Array(CameraPushFixtures.gatKeepalive("42010600001320000009").utf8),
                  contentType: "application/VIID+JSON", headers: ["User-Identify": "42010600001320000009"])
        #expect(stranger.status == 401)
        // Keepalive in the session; a register naming another device; unregister ends the session.
        let identified = ["User-Identify": Self.gatID]
        let keepalive = try await viid.post("/VIID/System/Keepalive", Array(CameraPushFixtures.gatKeepalive(Self.gatID).utf8),
                                            contentType: "application/VIID+JSON", headers: identified)
        #expect(keepalive.status == 200 && keepalive.body.contains(#""RequestURL":"/VIID/System/Keepalive""#), "\(keepalive)")
        let (mismatch, _) = try await viid.send("/VIID/System/Register",
                                                Array(CameraPushFixtures.gatRegister("42010600001320000009").utf8),
                                                contentType: "application/VIID+JSON")
        #expect(mismatch.status == 400 && mismatch.body.contains(#""StatusCode":"4""#), "\(mismatch)")
        let badPicture = CameraPushFixtures.gatNotification(deviceID: Self.gatID, eventSort: "614", base64: "not*base64")
        #expect(try await viid.post("/VIID/SubscribeNotifications", Array(badPicture.utf8), contentType: "application/VIID+JSON",
                                    headers: ["User-Identify": Self.gatID]).status == 200)

        let unregister = #"{"UnRegisterObject":{"DeviceID":"\#(Self.gatID)"}}"#
        #expect(try await viid.post("/VIID/System/UnRegister", Array(unregister.utf8), contentType: "application/VIID+JSON",
                                    headers: identified).status == 200)
        let afterUnregister = try await viid.post("/VIID/SubscribeNotifications", Array(notification.utf8),
                                                  contentType: "application/VIID+JSON", headers: identified)
        #expect(afterUnregister.status == 401 && afterUnregister.body.hasPrefix("not_registered"), "\(afterUnregister)")

        // Every refusal is counted, and the parse failures are in the dead-letter table.
        #expect(eventually(timeout: .seconds(10)) {
            let reasons = Set(((try? store.rejects(limit: 50, reason: nil)) ?? []).map(\.record.reason))
            return reasons.isSuperset(of: ["bad_xml", "bad_multipart", "bad_base64"])
        })
        let (admin, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        var metricsRequest = URLRequest(url: URL(string: "http://127.0.0.1:\(bench.httpPort)/metrics")!)
        metricsRequest.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        let metrics = String(decoding: try await URLSession.shared.data(for: metricsRequest).0, as: UTF8.self)
        for line in [#"bk_camera_push_refused_total{protocol="isapi",reason="unauthorized"}"#,
                     #"bk_camera_push_refused_total{protocol="isapi",reason="bad_xml"}"#,
                     #"bk_camera_push_refused_total{protocol="isapi",reason="payload_too_large"}"#,
                     #"bk_camera_push_refused_total{protocol="gat1400",reason="bad_base64"}"#,
                     #"bk_camera_push_total{protocol="isapi",outcome="heartbeat"}"#,
                     #"bk_camera_push_total{protocol="gat1400",outcome="register"}"#,
                     #"bk_camera_push_refused_total{protocol="gat1400",reason="not_registered"}"#] {
            #expect(metrics.contains(line), "\(line)")
        }
        // The unknown type is listed for the installer, per camera and type.
        #expect(eventually(timeout: .seconds(10)) {
            ((try? store.unmappedSources()) ?? []).contains { $0.family == "isapi" && $0.sourceID == "cam-hik/VMD" }
        })
    }
}
