import Foundation
import DeviceAdapters
import DeviceIngest
import KitchenModel
import TestSupport
import Testing

/// Issue 18: the readers of camera HTTP pushes against the vendors' published messages, and the
/// hostile shapes they must refuse with a reason.
@Suite struct CameraPushParsingTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x11, count: 60) + [0xFF, 0xD9]
    static let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-hik")!)
    static let t0: EpochMillis = 1_795_305_600_000

    static func binding(_ family: DeviceSource.Family = .isapi, id: String = "cam-hik",
                        labels: [String: String] = [:]) throws -> Binding {
        let account = try CameraPushAccount(username: id, password: "kitchen-secret", labels: labels)
        let source = try DeviceSource(family: family.rawValue, id: id, push: account)
        let bindings = try SourceBindings([camera: source])
        return try #require(bindings.pushBinding(family, id: id))
    }

    @Test func theISAPIGuidesHeartbeatMarksTheCameraOnline() throws {
        let alert = try ISAPIAlert.parseXML(Array(CameraPushFixtures.isapiHeartbeatXML.utf8))
        #expect(alert.eventType == "heartBeat" && alert.isHeartbeat && alert.channelID == "1")
        #expect(alert.dateTime == "2017-05-04T11:20:02+08:00" && alert.macAddress == "44:19:b6:6d:24:85")
        let result = CameraPushAdapter.isapi(ISAPIPush(alert: alert, pictures: []), binding: try Self.binding(),
                                             receivedAt: Self.t0, limits: IngestLimits())
        #expect(result.messages.map(\.message.payload) == [.state(Presence(online: true, boot: 0))])
        // videoloss inactive is how an idle alert channel keeps alive; active videoloss is not a heartbeat.
        #expect(try ISAPIAlert.parseXML(Array(CameraPushFixtures.isapiAlertXML(eventType: "videoloss", state: "inactive").utf8)).isHeartbeat)
        #expect(try !ISAPIAlert.parseXML(Array(CameraPushFixtures.isapiAlertXML(eventType: "videoloss").utf8)).isHeartbeat)
    }

    @Test func aMultipartLineCrossingBecomesAPersonDetectionWithItsPictureAndBox() throws {
        let body = CameraPushFixtures.multipart(alert: CameraPushFixtures.isapiLineDetectionXML, picture: Self.jpeg)
        let push = try ISAPIPush.parse(body, contentType: CameraPushFixtures.multipartContentType(), maxPictureBytes: 1 << 20)
        #expect(push.alert.eventType == "linedetection" && push.pictures == [Self.jpeg])
        let box = try #require(push.alert.box)
        #expect(box == DetectionBox(x: 0.425, y: 0.144, width: 0.021, height: 0.090))
        let result = CameraPushAdapter.isapi(push, binding: try Self.binding(), receivedAt: Self.t0, limits: IngestLimits())
        #expect(result.messages.count == 2 && result.unmapped.isEmpty && result.problems.isEmpty)
        guard case .event(.detection(let detection)) = result.messages[0].message.payload,
              case .snapshot(let id, let picture) = result.messages[1].message.payload else {
            Issue.record("expected a detection and its snapshot, got \(result.messages)")
            return
        }
        // `person` is an intrusion outside operating hours and nothing during service (ViolationRules).
        #expect(detection.label == "person" && detection.snapshot == id && detection.score == 1.0 && picture == Self.jpeg)
        // The camera's clock (+03:00) is kept when plausible: here it is years behind, so it is not.
        #expect(result.messages[0].deviceTime == nil)
    }

    @Test func theBoundaryIsTakenVerbatimAndAClosingDelimiterIsOptional() throws {
        for (boundary, closing) in [("<frontier>", false), ("MIME_boundary", true), ("--myboundary", true)] {
            let body = CameraPushFixtures.multipart(alert: CameraPushFixtures.isapiLineDetectionXML, picture: Self.jpeg,
                                                    boundary: boundary, closing: closing)
            let push = try ISAPIPush.parse(body, contentType: "multipart/mixed; boundary=\"\(boundary)\"", maxPictureBytes: 1 << 20)
            #expect(push.pictures == [Self.jpeg], "\(boundary)")
        }
    }

    @Test func jsonAlertsAndKitchenClassesMapThroughTheTable() throws {
        let json = #"{"ipAddress":"192.168.1.64","portNo":80,"protocol":"HTTP","macAddress":"44:19:b6:6d:24:85","channelID":1,"#
            + #""dateTime":"2026-11-22T07:55:00+08:00","activePostCount":1,"eventType":"mouseDetection","eventState":"active","#
            + #""eventDescription":"mouse","confidence":87}"#
        let push = try ISAPIPush.parse(Array(json.utf8), contentType: "application/json", maxPictureBytes: 1 << 20)
        #expect(push.alert.eventType == "mouseDetection" && push.alert.channelID == "1" && push.alert.confidence == 0.87)
        let result = CameraPushAdapter.isapi(push, binding: try Self.binding(), receivedAt: Self.t0, limits: IngestLimits())
        guard case .event(.detection(let detection))? = result.messages.first?.message.payload else {
            Issue.record("no detection: \(result)")
            return
        }
        #expect(detection.label == "rodent" && detection.score == 0.87 && detection.snapshot == nil)
        #expect(result.messages[0].deviceTime == 1_795_305_300_000)   // five minutes before receipt: kept

        // A registry table over the defaults: a vendor's own name mapped, a default dropped.
        let custom = try Self.binding(labels: ["noChefHatAlarm": "no_hat", "linedetection": ""])
        let hat = CameraPushAdapter.isapi(ISAPIPush(alert: try ISAPIAlert.parseXML(Array(
            CameraPushFixtures.isapiAlertXML(eventType: "noChefHatAlarm").utf8)), pictures: []), binding: custom,
                                          receivedAt: Self.t0, limits: IngestLimits())
        guard case .event(.detection(let noHat))? = hat.messages.first?.message.payload else { Issue.record("\(hat)"); return }
        #expect(noHat.label == "no_hat")
        let dropped = CameraPushAdapter.isapi(ISAPIPush(alert: try ISAPIAlert.parseXML(Array(
            CameraPushFixtures.isapiLineDetectionXML.utf8)), pictures: []), binding: custom, receivedAt: Self.t0, limits: IngestLimits())
        #expect(dropped.messages.isEmpty && dropped.ignored == ["linedetection"])
    }

    @Test func unknownTypesAreReturnedForTheUnmappedTallyNotDropped() throws {
        let push = ISAPIPush(alert: try ISAPIAlert.parseXML(Array(CameraPushFixtures.isapiAlertXML(eventType: "VMD").utf8)), pictures: [])
        let result = CameraPushAdapter.isapi(push, binding: try Self.binding(), receivedAt: Self.t0, limits: IngestLimits())
        #expect(result.messages.isEmpty && result.unmapped == ["VMD"])
        let inactive = ISAPIPush(alert: try ISAPIAlert.parseXML(Array(
            CameraPushFixtures.isapiAlertXML(eventType: "linedetection", state: "inactive").utf8)), pictures: [])
        #expect(CameraPushAdapter.isapi(inactive, binding: try Self.binding(), receivedAt: Self.t0, limits: IngestLimits()).ignored
            == ["linedetection inactive"])
    }

    // MARK: GA/T 1400

    static let gatID = "42010600001320000001"

    @Test func gatNotificationsGiveOneDetectionPerEventSortWithTheDecodedPicture() throws {
        let base64 = Base64Fixture.encode(Self.jpeg)
        let body = CameraPushFixtures.gatNotification(deviceID: Self.gatID, eventSort: "614", base64: base64)
        let notifications = try GAT1400.notifications(Array(body.utf8))
        #expect(notifications.notificationIDs == ["N1"])
        #expect(notifications.pictures.count == 1 && notifications.pictures[0].eventSort == "614")
        let binding = try Self.binding(.gat1400, id: Self.gatID)
        let result = CameraPushAdapter.gat1400(notifications, binding: binding, receivedAt: Self.t0, limits: IngestLimits())
        guard case .event(.detection(let detection))? = result.messages.first?.message.payload,
              case .snapshot(let id, let picture)? = result.messages.last?.message.payload else {
            Issue.record("\(result)")
            return
        }
        #expect(detection.label == "rodent" && detection.snapshot == id && picture == Self.jpeg)
        #expect(GAT1400.time("20210411171337") == 1_618_132_417_000)   // Beijing time
        #expect(GAT1400.localTime(1_618_132_417_000) == "20210411171337")
        #expect(try GAT1400.deviceID(Array(CameraPushFixtures.gatRegister(Self.gatID).utf8), objectName: "RegisterObject") == Self.gatID)

        let kitchen = ["605": "no_hat", "606": "no_mask", "607": "smoking", "608": "no_gloves", "609": "no_uniform",
                       "612": "bin_open", "614": "rodent", "638": "phone"]
        for (code, label) in kitchen {
            #expect(CameraLabelTable.lookup(code, family: .gat1400, account: nil) == .label(label))
        }
        #expect(CameraLabelTable.lookup("1", family: .gat1400, account: nil) == .unknown)
    }

    @Test func badBase64StillRaisesTheDetectionAndNamesTheProblem() throws {
        let body = CameraPushFixtures.gatNotification(deviceID: Self.gatID, eventSort: "607", base64: "/9j/4AAQ%%%")
        let result = CameraPushAdapter.gat1400(try GAT1400.notifications(Array(body.utf8)), binding: try Self.binding(.gat1400, id: Self.gatID),
                                               receivedAt: Self.t0, limits: IngestLimits())
        #expect(result.messages.count == 1 && result.problems.map(\.reason) == [.badBase64])
        #expect(result.problems.first?.message.contains("character 8") == true)
        for bad in ["Q", "QUJD=", "QUJDRA===", "QU=JD", "QUJD RA==", "QUJ*", ""] {
            #expect(throws: Base64Picture.Problem.self, "\(bad)") { _ = try Base64Picture.decode(bad, maxBytes: 100) }
        }
        #expect(try Base64Picture.decode("data:image/jpeg;base64,QUJD\r\nRA==", maxBytes: 100) == Array("ABCD".utf8))
        #expect(throws: Base64Picture.Problem.self) { _ = try Base64Picture.decode(String(repeating: "QUJD", count: 100), maxBytes: 100) }
    }

    // MARK: Hostile input

    @Test func dtdsAndEntitiesAreRefusedBeforeAnyExpansion() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <EventNotificationAlert><eventType>&lol2;</eventType></EventNotificationAlert>
            """
        let xxe = #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><EventNotificationAlert><eventType>&x;</eventType></EventNotificationAlert>"#
        let undeclared = "<EventNotificationAlert><eventType>&x;</eventType></EventNotificationAlert>"
        for (name, text) in [("billion laughs", laughs), ("external entity", xxe), ("undeclared entity", undeclared)] {
            #expect(throws: PushProblem.self, "\(name)") { _ = try ISAPIAlert.parseXML(Array(text.utf8)) }
            do { _ = try ISAPIAlert.parseXML(Array(text.utf8)) } catch {
                #expect(error.reason == .badXML, "\(name)")
                #expect(error.message.contains("DTD") || error.message.contains("unknown entity"), "\(name): \(error.message)")
            }
        }
        // The predefined entities and character references are fine.
        let ok = "<EventNotificationAlert><eventType>a&amp;b&#x4E2D;&#25991;</eventType></EventNotificationAlert>"
        #expect((try? ISAPIAlert.parseXML(Array(ok.utf8)))?.eventType == "a&b中文")
    }

    @Test func truncatedOrMalformedBodiesAreRefusedWithTheirReason() throws {
        let full = CameraPushFixtures.multipart(alert: CameraPushFixtures.isapiLineDetectionXML, picture: Self.jpeg)
        let type = CameraPushFixtures.multipartContentType()
        func reason(_ body: [UInt8], _ contentType: String) -> PushRefusal? {
            do { _ = try ISAPIPush.parse(body, contentType: contentType, maxPictureBytes: 1 << 20); return nil } catch { return error.reason }
        }
        // Cut inside the picture: the part never ends (no delimiter after it).
        #expect(reason(Array(full.prefix(full.count - 30)), type) == .badMultipart)
        // Cut inside the alert part.
        #expect(reason(Array(full.prefix(200)), type) == .badMultipart)
        // Part headers that never end, a body without the announced boundary, a picture over the limit.
        #expect(reason(Array("--<frontier>\r\nContent-Type: image/jpeg".utf8), type) == .badMultipart)
        #expect(reason(Array("no delimiter here".utf8), type) == .badMultipart)
        let big = CameraPushFixtures.multipart(alert: CameraPushFixtures.isapiLineDetectionXML,
                                               picture: [0xFF, 0xD8] + Array(repeating: 0, count: 2 << 20))
        #expect(reason(big, type) == .payloadTooLarge)
        // Too many parts.
        var many: [UInt8] = []
        for _ in 0..<20 { many += Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n".utf8) }
        many += Array("--b--".utf8)
        #expect(reason(many, "multipart/form-data; boundary=b") == .badMultipart)
        // XML: unclosed, mismatched, not the alert, nested too deep.
        #expect(reason(Array("<EventNotificationAlert><eventType>x</eventType>".utf8), "application/xml") == .badXML)
        #expect(reason(Array("<EventNotificationAlert><eventType>x</eventState></EventNotificationAlert>".utf8), "application/xml") == .badXML)
        #expect(reason(Array("<ResponseStatus/>".utf8), "application/xml") == .missingField)
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(reason(Array(deep.utf8), "application/xml") == .badXML)
        // JSON: duplicate keys (two readers could disagree), lone surrogates, trailing data.
        #expect(reason(Array(#"{"eventType":"linedetection","eventType":"heartBeat"}"#.utf8), "application/json") == .badJSON)
        #expect(reason(Array(#"{"eventType":"\ud800"}"#.utf8), "application/json") == .badJSON)
        #expect(reason(Array(#"{"eventType":"VMD"} x"#.utf8), "application/json") == .badJSON)
    }

    @Test func pushJSONRoundTripsAndRefusesWhatRFC8259Refuses() throws {
        let text = #"{"a":[1,-2.5,1e3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{"c":{}}}"#
        let value = try PushJSON.parse(Array(text.utf8))
        #expect(try PushJSON.parse(Array(value.serialized.utf8)) == value)
        for bad in ["", "{", "[1,]", "{\"a\":01}", "{\"a\":1,}", "\"\u{01}\"", "{'a':1}", "[1 2]", "nul", "1.", "-"] {
            #expect(throws: PushJSON.SyntaxError.self, "\(bad)") { _ = try PushJSON.parse(Array(bad.utf8)) }
        }
        let deep = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
        #expect(throws: PushJSON.SyntaxError.self) { _ = try PushJSON.parse(Array(deep.utf8)) }
    }
}

/// Standard base64 from Foundation, so the tests do not check the decoder against itself.
enum Base64Fixture {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
