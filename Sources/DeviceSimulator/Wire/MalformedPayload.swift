import KitchenModel

/// Garbage a buggy or hostile device might send, one of each class the gateway must refuse.
/// A malformed message reuses the device's latest seq: it must never look like new data, and
/// a gateway that wrongly accepted one would at worst see a duplicate.
enum MalformedPayload {
    enum Variant: CaseIterable {
        case truncatedJSON, wrongType, outOfRange, unknownChannel, notAnObject, invalidUTF8
    }

    static func make(kind: DeviceKind, topics: DeviceTopics, seq: Int64, ts: EpochMillis, boot: Int64,
                     rng: inout SeededGenerator) -> (topic: String, payload: [UInt8]) {
        let head: [JSONField] = [.int("seq", seq), .int("ts", ts), .int("boot", boot)]
        switch rng.pick(Variant.allCases) {
        case .truncatedJSON:
            let whole = PayloadWriter.object(head + [.number("t", 3.5)])
            return (topics.telemetry, Array(whole.prefix(whole.count * 2 / 3)))
        case .wrongType:
            let field: JSONField = switch kind {
            case .thermo, .sampler: .string("t", "cold")
            case .disinfector: .int("state", 1)
            case .camera: .string("fps", "fast")
            case .scale: .string("calibrated_at", "yesterday")
            case .checker: .string("checks_today", "many")
            }
            return (topics.telemetry, PayloadWriter.object(head + [field]))
        case .outOfRange:
            let field: JSONField = switch kind {
            case .thermo, .sampler: .number("rh", 140)
            case .disinfector: .string("state", "melting")
            case .camera: .number("fps", 999)
            case .scale: .int("calibrated_at", -5)
            case .checker: .int("checks_today", -1)
            }
            return (topics.telemetry, PayloadWriter.object(head + [field]))
        case .unknownChannel:
            return (topics.unknownChannel("diagnostics"), PayloadWriter.object(head + [.int("uptime_s", 3600)]))
        case .notAnObject:
            return (topics.telemetry, Array("[\(seq),\(ts)]".utf8))
        case .invalidUTF8:
            return (topics.telemetry, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        }
    }
}
