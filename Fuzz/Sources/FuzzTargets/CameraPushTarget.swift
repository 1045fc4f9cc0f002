import Foundation
import DeviceAdapters
import DeviceIngest
import Gateway
import KitchenModel

/// The readers of camera HTTP pushes (issue 18). The first byte picks what the rest is:
/// `I` an ISAPI body (`<content type>\n<body>`) through `ISAPIPush.parse` and `CameraPushAdapter`,
/// `G` a GA/T 1400 notification list, `R` a GA/T 1400 register body, `J` any JSON (`PushJSON`),
/// `X` any XML (`StrictXML`), `B` base64 (`Base64Picture`), `D` an `Authorization` header,
/// `W` a voice-warning upload as a WAV file (`VoiceAudio`: samples within the length bounds and
/// no more than the file holds after its headers).
/// Invariants: adapted messages name only the bound camera, carry canonical labels and JPEGs, and
/// every detection's snapshot id comes with its picture; JSON that parses round-trips; base64 that
/// decodes re-encodes to the same bytes; parsed XML stays within the depth bound; and no header
/// ever passes digest authentication without a nonce this process issued.
public enum CameraPushTarget {
    static let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-hik")!)
    static let receivedAt: EpochMillis = 1_795_305_600_000
    static let bindings: SourceBindings = {
        do {
            return try SourceBindings([
                camera: DeviceSource(family: "isapi", id: "cam-hik", push: CameraPushAccount(
                    username: "hik", password: "Kitchen-2026!", labels: ["noChefHat": "no_hat", "VMD": ""])),
                DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-viid")!): DeviceSource(
                    family: "gat1400", id: "42010600001320000001",
                    push: CameraPushAccount(username: "42010600001320000001", password: "Viid-secret-1")),
            ])
        } catch {
            fatalError("fuzz bindings: \(error)")
        }
    }()
    static let digest = DigestAuthenticator()
    static let labels: Set<String> = ["rodent", "pest", "intrusion", "person", "smoking", "bin_open", "phone", "no_hat", "no_mask",
                                      "no_uniform", "no_gloves"]

    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        guard let mode = input.first else { return }
        let rest = Array(input.dropFirst())
        switch mode {
        case UInt8(ascii: "I"):
            let newline = rest.firstIndex(of: 0x0A) ?? rest.count
            let contentType = String(decoding: rest[..<newline], as: UTF8.self)
            let body = newline < rest.count ? Array(rest[(newline + 1)...]) : []
            guard let push = try? ISAPIPush.parse(body, contentType: contentType, maxPictureBytes: 1 << 20) else { return }
            try require(!push.alert.eventType.isEmpty && push.alert.eventType.utf8.count <= 256, "eventType '\(push.alert.eventType)'")
            if let box = push.alert.box {
                try require(box.x >= 0 && box.y >= 0 && box.x + box.width <= 1.0001 && box.y + box.height <= 1.0001, "box \(box)")
            }
            let binding = bindings.pushBinding(.isapi, id: "cam-hik")!
            try check(CameraPushAdapter.isapi(push, binding: binding, receivedAt: receivedAt, limits: IngestLimits()))
        case UInt8(ascii: "G"):
            guard let notifications = try? GAT1400.notifications(rest) else { return }
            let binding = bindings.pushBinding(.gat1400, id: "42010600001320000001")!
            try check(CameraPushAdapter.gat1400(notifications, binding: binding, receivedAt: receivedAt, limits: IngestLimits()))
        case UInt8(ascii: "R"):
            guard let id = try? GAT1400.deviceID(rest, objectName: "RegisterObject") else { return }
            try require(id.utf8.count == 20 && id.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "DeviceID '\(id)'")
        case UInt8(ascii: "J"):
            guard let value = try? PushJSON.parse(rest) else { return }
            let again = try? PushJSON.parse(Array(value.serialized.utf8))
            try require(again == value, "JSON does not round-trip: \(value.serialized.prefix(200))")
        case UInt8(ascii: "X"):
            guard let root = try? StrictXML.parse(rest) else { return }
            try require(depth(root) <= StrictXML.maxDepth + 1, "XML deeper than the bound")
        case UInt8(ascii: "B"):
            guard let bytes = try? Base64Picture.decode(String(decoding: rest, as: UTF8.self), maxBytes: 1 << 20) else { return }
            let again = try? Base64Picture.decode(encode(bytes), maxBytes: 1 << 20)
            try require(again == bytes, "base64 does not round-trip")
        case UInt8(ascii: "D"):
            let header = String(decoding: rest, as: UTF8.self)
            let outcome = digest.verify(method: "POST", uri: "/isapi/cam-hik", authorization: header, now: receivedAt) { _ in
                "Kitchen-2026!"
            }
            if case .accepted = outcome { throw FuzzFailure(description: "invariant broken: a forged header was accepted: \(header)") }
        case UInt8(ascii: "W"):
            guard let samples = try? VoiceAudio.samples(rest, contentType: "audio/wav") else { return }
            try require((VoiceAudio.minSamples...VoiceAudio.maxSamples).contains(samples.count), "samples outside the bounds")
            // RIFF header, a 16-byte format chunk and the data chunk's header come before the samples.
            try require(rest.count >= samples.count + 44, "more samples than the file can hold")
        default:
            return
        }
    }

    static func check(_ result: CameraPushAdapter.Result) throws(FuzzFailure) {
        var pictures = Set<String>()
        var named = Set<String>()
        for adapted in result.messages {
            let message = adapted.message
            try require(bindings.pushBinding(.isapi, id: "cam-hik")?.key == message.key
                || bindings.pushBinding(.gat1400, id: "42010600001320000001")?.key == message.key, "unbound device \(message.key)")
            switch message.payload {
            case .event(.detection(let detection)):
                try require(labels.contains(detection.label), "label '\(detection.label)' is not canonical")
                try require(detection.score >= 0 && detection.score <= 1, "score \(detection.score)")
                if let id = detection.snapshot { named.insert(id) }
            case .snapshot(let id, let jpeg):
                try require(jpeg.starts(with: [0xFF, 0xD8]), "snapshot \(id) is not a JPEG")
                pictures.insert(id)
            case .state(let presence):
                try require(presence.online, "a push marked a camera offline")
            default:
                throw FuzzFailure(description: "invariant broken: unexpected payload \(message.payload)")
            }
        }
        try require(named == pictures, "detections name \(named), pictures \(pictures)")
    }

    static func depth(_ element: XMLElement) -> Int { 1 + (element.children.map(depth).max() ?? 0) }

    /// Foundation's encoder: independent of the decoder under test.
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
