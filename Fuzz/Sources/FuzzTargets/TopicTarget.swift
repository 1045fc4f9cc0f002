import DeviceIngest
import KitchenModel

/// `TopicParser.parse` on arbitrary bytes (invalid UTF-8 included, as `String(decoding:)` makes of
/// them, which is what the MQTT layer does too). Invariant: a topic that parses as a device
/// channel is exactly `bk/v1/<site>/<device>/<channel>` rebuilt from what was parsed.
public enum TopicTarget {
    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let topic = String(decoding: input, as: UTF8.self)
        guard let parsed = try? TopicParser.parse(topic) else { return }
        if case .device(let key, let channel) = parsed {
            let rebuilt = "\(TopicParser.prefix)\(key.site)/\(key.device)/\(channel)"
            try require(rebuilt == topic, "\(topic) parsed as \(rebuilt)")
            try require(channel != .ticket && channel != .cmd, "\(topic) parsed as a device's \(channel)")
        }
    }
}
