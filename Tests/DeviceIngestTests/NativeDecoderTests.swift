import DeviceIngest
import KitchenModel
import Testing

@Suite("Native decoder routing, images and limits")
struct NativeDecoderTests {
    @Test("gateway outputs are ignored before any lookup")
    func ignored() {
        for topic in ["bk/v1/market-01/scale-a12/ticket", "bk/v1/canteen-01/fridge-1/cmd", "bk/v1/canteen-01/_gateway/alarms",
                      "bk/v1/_regulator/42/4201/420106/alarms", "bk/v1/_gateway/gw-1/state"] {
            let outcome = NativeDecoder().decode(topic: topic, payload: Array("garbage".utf8), receivedAt: fixedNow) { _ in
                Issue.record("lookup must not run for \(topic)")
                return .unknownSite
            }
            #expect(outcome.isIgnored, "\(topic)")
        }
    }

    @Test("registry lookup decides unknown_site and unknown_device")
    func lookups() {
        let json = Array(telemetry(#""t":1"#).utf8)
        let site = decode(thermoTopic + "telemetry", bytes: json, lookup: .unknownSite)
        #expect(site.reason == .unknownSite)
        #expect(site.rejection?.message == "site 'canteen-01' is not registered with this gateway")
        let device = decode(thermoTopic + "telemetry", bytes: json, lookup: .unknownDevice)
        #expect(device.rejection?.message == "device 'fridge-1' is not registered on site 'canteen-01'")
        // The lookup receives the key parsed from the topic.
        var seen: DeviceKey?
        _ = NativeDecoder().decode(topic: thermoTopic + "telemetry", payload: json, receivedAt: fixedNow) { key in
            seen = key
            return .known(.thermo)
        }
        #expect(seen?.description == "canteen-01/fridge-1")
    }

    @Test("snapshots and frames carry the JPEG bytes")
    func images() {
        #expect(decode(cameraTopic + "snapshot/evt-1", bytes: minimalJPEG, lookup: .known(.camera)).message?.payload
            == .snapshot(id: "evt-1", jpeg: minimalJPEG))
        #expect(decode(cameraTopic + "frame", bytes: minimalJPEG, lookup: .known(.camera)).message?.payload
            == .frame(jpeg: minimalJPEG))
        #expect(decode(cameraTopic + "frame", bytes: minimalJPEG, lookup: .known(.camera)).message?.sequence == nil)
    }

    @Test("images must be JPEG, from a camera, within 2 MiB", arguments: [
        ([UInt8](), DeviceKind.camera, RejectReason.notJPEG),
        ([0xFF], .camera, .notJPEG),
        ([0x89, 0x50, 0x4E, 0x47], .camera, .notJPEG),
        ([0xD8, 0xFF], .camera, .notJPEG),
        (minimalJPEG, .thermo, .kindMismatch),
        ([0xFF, 0xD8] + [UInt8](repeating: 0, count: 2 * 1024 * 1024 - 1), .camera, .payloadTooLarge),
    ])
    func invalidImages(bytes: [UInt8], kind: DeviceKind, reason: RejectReason) {
        #expect(decode(cameraTopic + "frame", bytes: bytes, lookup: .known(kind)).reason == reason)
        #expect(decode(cameraTopic + "snapshot/s1", bytes: bytes, lookup: .known(kind)).reason == reason)
    }

    @Test("exactly 2 MiB of JPEG is accepted")
    func largestImage() {
        let bytes = [0xFF, 0xD8] + [UInt8](repeating: 0, count: 2 * 1024 * 1024 - 2)
        #expect(decode(cameraTopic + "frame", bytes: bytes, lookup: .known(.camera)).message != nil)
    }

    @Test("JSON payloads: 64 KiB is the limit, checked before parsing")
    func jsonLimit() {
        let base = telemetry(#""t":1"#)
        let atLimit = base + String(repeating: " ", count: 65_536 - base.utf8.count)
        #expect(decode(thermoTopic + "telemetry", atLimit).message != nil)
        let over = decode(thermoTopic + "telemetry", atLimit + " ")
        #expect(over.reason == .payloadTooLarge)
        #expect(over.rejection?.message == "JSON payload is 65537 bytes; the limit is 65536")
        // Garbage that is too large is still payload_too_large, not bad_json.
        #expect(decode(thermoTopic + "telemetry", String(repeating: "x", count: 70_000)).reason == .payloadTooLarge)
        var limits = IngestLimits()
        limits.maxJSONBytes = 16
        #expect(decode(thermoTopic + "telemetry", base, decoder: NativeDecoder(limits: limits)).reason == .payloadTooLarge)
    }

    @Test("the raw-buffer and array overloads agree")
    func overloads() {
        let bytes = Array(#"{"seq":123,"ts":1763779200000,"t":3.4,"rh":71.2,"bat":96}"#.utf8)
        let decoder = NativeDecoder()
        let viaArray = decoder.decode(topic: thermoTopic + "telemetry", payload: bytes, receivedAt: fixedNow) { _ in .known(.thermo) }
        let viaBuffer = bytes.withUnsafeBytes { raw in
            decoder.decode(topic: thermoTopic + "telemetry", payload: raw, receivedAt: fixedNow) { _ in .known(.thermo) }
        }
        #expect(viaArray.message != nil)
        #expect(viaArray.message == viaBuffer.message)
    }
}
