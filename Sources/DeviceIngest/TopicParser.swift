import KitchenModel

/// What a `bk/v1/...` topic addresses.
public enum NativeTopic: Hashable, Sendable {
    /// A device's inbound channel.
    case device(DeviceKey, Channel)
    /// One of the gateway's own outputs (`ticket`, `cmd`, `_gateway`, `_regulator`), which a
    /// wildcard subscription echoes back to us; never decoded.
    case gatewayOutput
}

/// Parses `bk/v1/<site>/<device>/<channel>` and `bk/v1/<site>/<device>/snapshot/<id>`.
///
/// Works on the topic's UTF-8 bytes without splitting into arrays: this runs for every message
/// on the MQTT network thread.
public enum TopicParser {
    public static let prefix = "bk/v1/"

    public static func parse(_ topic: String) throws(Rejection) -> NativeTopic {
        var topic = topic
        topic.makeContiguousUTF8()   // a no-op for native strings; needed for bridged ones
        // The closure cannot throw typed errors through withContiguousStorage, so return a Result.
        let result = topic.utf8.withContiguousStorageIfAvailable { parse(bytes: $0, topic: topic) }
        switch result ?? .failure(Rejection(.badTopic, "topic is not readable")) {
        case .success(let parsed): return parsed
        case .failure(let rejection): throw rejection
        }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, topic: String) -> Result<NativeTopic, Rejection> {
        let prefixLength = 6
        guard bytes.count >= prefixLength, bytes[0] == 0x62, bytes[1] == 0x6B, bytes[2] == 0x2F,
              bytes[3] == 0x76, bytes[4] == 0x31, bytes[5] == 0x2F
        else { return .failure(Rejection(.badTopic, "topic \(quote(topic)) must start with \(prefix)")) }

        // Segment boundaries after the prefix: site, device, channel, optional snapshot id.
        var starts: (Int, Int, Int, Int) = (prefixLength, 0, 0, 0)
        var ends: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var count = 1
        var i = prefixLength
        while i < bytes.count {
            if bytes[i] == 0x2F {
                guard count < 4 else {
                    // bk/v1/_regulator/42/4201/420106/alarms and other deep gateway outputs.
                    let deviceStart = starts.1
                    if bytes[prefixLength] == 0x5F || (deviceStart < bytes.count && bytes[deviceStart] == 0x5F) {
                        return .success(.gatewayOutput)
                    }
                    return .failure(Rejection(.badTopic, "topic \(quote(topic)) has too many segments; "
                        + "expected bk/v1/<site>/<device>/<channel>"))
                }
                set(&ends, count - 1, i)
                set(&starts, count, i + 1)
                count += 1
            }
            i += 1
        }
        set(&ends, count - 1, bytes.count)

        func segment(_ n: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[get(starts, n)..<get(ends, n)])
        }
        func text(_ n: Int) -> String { String(decoding: segment(n), as: UTF8.self) }

        // Reserved `_` ids belong to the gateway: bk/v1/_gateway/..., bk/v1/_regulator/...
        if segment(0).first == 0x5F { return .success(.gatewayOutput) }
        guard let site = SiteID(text(0)) else {
            return .failure(Rejection(.badTopic, "site id \(quote(text(0))) in topic \(quote(topic)) must be "
                + "1-64 characters of a-z 0-9 - _"))
        }
        guard count >= 2 else {
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) needs bk/v1/<site>/<device>/<channel>"))
        }
        if segment(1).first == 0x5F { return .success(.gatewayOutput) }   // bk/v1/<site>/_gateway/...
        guard let device = DeviceID(text(1)) else {
            return .failure(Rejection(.badTopic, "device id \(quote(text(1))) in topic \(quote(topic)) must be "
                + "1-64 characters of a-z 0-9 - _"))
        }
        guard count >= 3 else {
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) has no channel after the device id"))
        }
        let key = DeviceKey(site: site, device: device)
        let channelBytes = segment(2)
        guard !channelBytes.isEmpty, !channelBytes.contains(0x2B), !channelBytes.contains(0x23) else {
            return .failure(Rejection(.badTopic, "channel in topic \(quote(topic)) is empty or a wildcard"))
        }

        if count == 4 {
            guard !segment(3).isEmpty else {
                return .failure(Rejection(.badTopic, "topic \(quote(topic)) ends with an empty segment"))
            }
            guard channelBytes.elementsEqual("snapshot".utf8) else {
                return .failure(Rejection(.unknownChannel, "channel \(quote(text(2) + "/" + text(3))) is not part "
                    + "of protocol v1 (only snapshot/<id> has two segments)"))
            }
            let id = text(3)
            guard TextRule.snapshotID.accepts(id) else {
                return .failure(Rejection(.badTopic, "snapshot id \(quote(id)) in topic \(quote(topic)) must be "
                    + "1-64 characters of a-z 0-9 - _"))
            }
            return .success(.device(key, .snapshot(id: id)))
        }

        let channel: Channel
        switch channelBytes.count {
        case 5 where channelBytes.elementsEqual("birth".utf8): channel = .birth
        case 5 where channelBytes.elementsEqual("state".utf8): channel = .state
        case 5 where channelBytes.elementsEqual("event".utf8): channel = .event
        case 5 where channelBytes.elementsEqual("frame".utf8): channel = .frame
        case 5 where channelBytes.elementsEqual("weigh".utf8): channel = .weigh
        case 9 where channelBytes.elementsEqual("telemetry".utf8): channel = .telemetry
        case 6 where channelBytes.elementsEqual("ticket".utf8), 3 where channelBytes.elementsEqual("cmd".utf8):
            return .success(.gatewayOutput)
        case 8 where channelBytes.elementsEqual("snapshot".utf8):
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) needs an id: .../snapshot/<id>"))
        default:
            return .failure(Rejection(.unknownChannel, "channel \(quote(text(2))) is not part of protocol v1 "
                + "(birth, state, telemetry, event, weigh, frame, snapshot/<id>)"))
        }
        return .success(.device(key, channel))
    }

    // Tuples instead of arrays keep the four boundaries on the stack.
    private static func set(_ t: inout (Int, Int, Int, Int), _ n: Int, _ v: Int) {
        switch n {
        case 0: t.0 = v
        case 1: t.1 = v
        case 2: t.2 = v
        default: t.3 = v
        }
    }

    private static func get(_ t: (Int, Int, Int, Int), _ n: Int) -> Int {
        switch n {
        case 0: t.0
        case 1: t.1
        case 2: t.2
        default: t.3
        }
    }

    private static func quote(_ text: String) -> String { FieldReader.quote(text) }
}
