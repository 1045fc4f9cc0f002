import DeviceIngest
import FuzzSupport
import KitchenModel

/// `TopicParser.parse` on arbitrary bytes (invalid UTF-8 included, as `String(decoding:)` makes of
/// them, which is what the MQTT layer does too). Invariant: a topic that parses as a device
/// channel is exactly `bk/v1/<site>/<device>/<channel>` rebuilt from what was parsed.
@main
enum TopicFuzzer {
    static func main() { Fuzzer.run(fuzzOne) }

    static let fuzzOne: FuzzTarget = { data, size in
        let topic = String(decoding: Fuzzer.bytes(data, size), as: UTF8.self)
        guard let parsed = try? TopicParser.parse(topic) else { return 0 }
        if case .device(let key, let channel) = parsed {
            let rebuilt = "\(TopicParser.prefix)\(key.site)/\(key.device)/\(channel)"
            Fuzzer.require(rebuilt == topic, "\(topic) parsed as \(rebuilt)")
            Fuzzer.require(channel != .ticket && channel != .cmd, "\(topic) parsed as a device's \(channel)")
        }
        return 0
    }
}
