import DeviceIngest
import KitchenModel

/// `NativeDecoder.decode`, the gateway's entry point for every `bk/v1/...` message, on
/// `<topic>\n<payload>`: topic parsing, registry outcome, size limit, the JSON scanner and every
/// channel's decoder (birth, state, telemetry, event, weigh, snapshot, frame).
///
/// The stand-in registry answers from the ids so the fuzzer can reach every kind through the
/// topic alone: site `nowhere` is unknown, devices starting `new` are unregistered, `scale…`,
/// `cam…` and `uv…` are a scale, a camera and a disinfector, anything else a thermometer.
public enum NativeTarget {
    static let strict = NativeDecoder()
    static let provisioning = NativeDecoder(acceptUnknownBirth: true)
    static let receivedAt: EpochMillis = 1_763_779_260_000

    static func lookup(_ key: DeviceKey) -> DeviceLookup {
        let device = key.device.rawValue
        if key.site.rawValue == "nowhere" { return .unknownSite }
        if device.hasPrefix("new") { return .unknownDevice }
        if device.hasPrefix("scale") { return .known(.scale) }
        if device.hasPrefix("cam") { return .known(.camera) }
        if device.hasPrefix("uv") { return .known(.disinfector) }
        return .known(.thermo)
    }

    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let (topic, payload) = FuzzInput.topicAndPayload(input)
        for decoder in [strict, provisioning] {
            guard case .message(let message) = decoder.decode(topic: topic, payload: payload, receivedAt: receivedAt,
                                                              lookup: lookup) else { continue }
            guard case .device(let key, let channel) = try? TopicParser.parse(topic) else {
                try require(false, "a message decoded from \(topic), which is no device topic")
                continue
            }
            try require(message.key == key, "\(topic) decoded for \(message.key)")
            try require(message.receivedAt == receivedAt, "receive time changed")
            switch channel {
            case .telemetry, .event, .weigh:
                try require(message.sequence != nil, "\(channel) accepted without seq")
            default:
                try require(message.sequence == nil, "\(channel) carries a seq")
            }
        }
    }
}
