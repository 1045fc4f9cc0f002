@testable import DeviceIngest
import Foundation
import KitchenModel
import Testing

/// Feeds every file in firmware-specs/examples through the decoder, so the protocol documents
/// and the code cannot drift apart. (firmware-specs/check.py checks the same files against the
/// JSON Schemas.) The example format is described in firmware-specs/README.md.
@Suite("Firmware spec examples")
struct FirmwareExamplesTests {
    /// The gateway clock examples are decoded against unless they say `received_at`.
    static let defaultReceivedAt: EpochMillis = 1_763_779_260_000

    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var topic: String
        var kind: DeviceKind
        var payload: [UInt8]
        var valid: Bool
        var reject: String?
        var outbound: Bool
        var lookup: DeviceLookup
        var acceptUnknownBirth: Bool
        var receivedAt: EpochMillis

        var testDescription: String { name }
    }

    static var examplesDirectory: URL {
        // Resolve symlinks so the tests also work from a package that links this folder in.
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("firmware-specs/examples")
    }

    static func loadAll() throws -> [Example] {
        let files = try FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try load($0) }
    }

    struct BadExample: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ file: String) throws -> Example {
        let bytes = try [UInt8](Data(contentsOf: examplesDirectory.appendingPathComponent(file)))
        return try bytes.withUnsafeBytes { raw throws -> Example in
            let object: JSONObject
            do { object = try JSONObjectReader.read(raw) } catch { throw BadExample(description: "\(file): \(error)") }
            func string(_ key: StaticString) -> String? {
                if case .string(let range, let escaped)? = object.value(key) { return object.string(range, escaped: escaped) }
                return nil
            }
            func int(_ key: StaticString) -> Int64? {
                if case .number(let n)? = object.value(key) { return n.exactInt }
                return nil
            }
            func bool(_ key: StaticString) -> Bool? {
                if case .bool(let b)? = object.value(key) { return b }
                return nil
            }
            guard let topic = string("topic"), let kind = string("kind").flatMap(DeviceKind.init(rawValue:)),
                  let valid = bool("valid")
            else { throw BadExample(description: "\(file): needs topic, a registered kind and valid") }

            // The payload exactly as written in the file, so what firmware authors read is what is tested.
            var payload: [UInt8]
            if case .object(let range)? = object.value("payload") {
                payload = Array(raw[range.start..<range.end])
            } else if let text = string("payload_text") {
                payload = Array(text.utf8)
            } else if let hex = string("payload_hex"), let decoded = Self.bytes(hex: hex) {
                payload = decoded
            } else {
                throw BadExample(description: "\(file): needs payload, payload_text or payload_hex")
            }
            if let pad = int("pad_to_bytes"), pad > payload.count {
                payload += [UInt8](repeating: 0x20, count: Int(pad) - payload.count)
            }
            let lookup: DeviceLookup
            switch string("lookup") {
            case nil, "known": lookup = .known(kind)
            case "unknown_site": lookup = .unknownSite
            case "unknown_device": lookup = .unknownDevice
            case let other?: throw BadExample(description: "\(file): unknown lookup '\(other)'")
            }
            return Example(name: file, topic: topic, kind: kind, payload: payload, valid: valid, reject: string("reject"),
                           outbound: string("direction") == "outbound", lookup: lookup,
                           acceptUnknownBirth: bool("accept_unknown_birth") ?? false,
                           receivedAt: int("received_at") ?? defaultReceivedAt)
        }
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { i in
            UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)
        }
    }

    static func outcome(_ example: Example) -> IngestOutcome {
        NativeDecoder(acceptUnknownBirth: example.acceptUnknownBirth)
            .decode(topic: example.topic, payload: example.payload, receivedAt: example.receivedAt) { _ in example.lookup }
    }

    @Test("every example decodes as it says", arguments: try loadAll())
    func example(_ example: Example) {
        let outcome = Self.outcome(example)
        if example.outbound {
            #expect(outcome.isIgnored, "gateway outputs must be ignored, got \(outcome)")
        } else if example.valid {
            #expect(outcome.message != nil, "expected a message, got \(outcome)")
        } else {
            #expect(example.reject != nil, "an invalid example must name its reject reason")
            #expect(outcome.rejection?.reason.rawValue == example.reject, "got \(outcome)")
            #expect(outcome.rejection?.message.isEmpty == false)
        }
    }

    @Test("the examples cover every reject reason and every inbound channel of every kind")
    func coverage() throws {
        let examples = try Self.loadAll()
        #expect(examples.count >= 60)
        let reasons = Set(examples.compactMap(\.reject))
        // `ledger_refused` comes after decoding (a 晨检仪's check of an unknown worker), not from the decoder.
        for reason in RejectReason.allCases where reason != .ledgerRefused {
            #expect(reasons.contains(reason.rawValue), "no example rejects with \(reason.rawValue)")
        }
        var covered: Set<String> = []
        for example in examples where example.valid && !example.outbound {
            if let message = Self.outcome(example).message {
                covered.insert("\(example.kind.rawValue) \(message.payload.channelFamily)")
            }
        }
        let required: [DeviceKind: [String]] = [
            .thermo: ["birth", "state", "telemetry"],
            .disinfector: ["birth", "state", "telemetry", "event"],
            .camera: ["birth", "state", "telemetry", "event", "snapshot", "frame"],
            .scale: ["birth", "state", "telemetry", "weigh"],
            .checker: ["birth", "state", "telemetry", "event"],
            .sampler: ["birth", "state", "telemetry", "event"],
        ]
        for (kind, channels) in required {
            for channel in channels {
                #expect(covered.contains("\(kind.rawValue) \(channel)"), "no valid \(kind.rawValue) \(channel) example")
            }
        }
    }
}
