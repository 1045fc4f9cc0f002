import DeviceIngest
import KitchenModel

/// `Topic.parse` (and ingest's view of it) on arbitrary bytes (invalid UTF-8 included, as
/// `String(decoding:)` makes of them, which is what the MQTT layer does too). Invariant: whatever
/// parses is rebuilt to exactly the same text, and ingest never takes the gateway's own outputs
/// for a device's message.
public enum TopicTarget {
    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let topic = String(decoding: input, as: UTF8.self)
        guard let parsed = try? Topic.parse(topic) else { return }
        try require(parsed.description == topic, "\(topic) parsed as \(parsed)")
        if case .device(_, let channel) = try? TopicParser.parse(topic) {
            try require(channel != .ticket && channel != .cmd, "\(topic) parsed as a device's \(channel)")
        }
    }
}
