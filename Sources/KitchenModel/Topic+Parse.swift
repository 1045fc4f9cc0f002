extension Topic {
    /// Parses a published topic. Malformed topics (wrong prefix or segment count, bad ids,
    /// wildcards, empty segments) are `bad_topic`; a well-formed device topic with a channel
    /// protocol v1 does not have is `unknown_channel`.
    ///
    /// Works on the topic's UTF-8 bytes without splitting into arrays: this runs for every message
    /// on the MQTT network thread.
    public static func parse(_ topic: String) throws(Rejection) -> Topic {
        var topic = topic
        topic.makeContiguousUTF8()   // a no-op for native strings; needed for bridged ones
        // The closure cannot throw typed errors through withContiguousStorage, so return a Result.
        let result = topic.utf8.withContiguousStorageIfAvailable { parse(bytes: $0, topic: topic) }
        switch result ?? .failure(Rejection(.badTopic, "topic is not readable")) {
        case .success(let parsed): return parsed
        case .failure(let rejection): throw rejection
        }
    }

    private static let prefixLength = 6
    /// The most segments after the prefix a known topic has (`_regulator/p/c/county/feed`).
    private static let maxSegments = 5

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, topic: String) -> Result<Topic, Rejection> {
        guard bytes.count >= prefixLength, bytes[0] == 0x62, bytes[1] == 0x6B, bytes[2] == 0x2F,
              bytes[3] == 0x76, bytes[4] == 0x31, bytes[5] == 0x2F
        else { return .failure(Rejection(.badTopic, "topic \(quote(topic)) must start with \(prefix)")) }
        if bytes.contains(0x2B) || bytes.contains(0x23) {
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) has a wildcard (+ or #): a published topic names one place"))
        }

        // Segment starts after the prefix; the end of segment n is the start of n+1 minus one.
        var starts = Bounds()
        starts[0] = prefixLength
        var count = 1
        var i = prefixLength
        while i < bytes.count {
            if bytes[i] == 0x2F {
                guard count < maxSegments else {
                    if bytes[prefixLength] == 0x5F || (starts[1] < bytes.count && bytes[starts[1]] == 0x5F) {
                        return .success(.reserved(text(bytes, from: prefixLength, to: bytes.count)))
                    }
                    return .failure(tooManySegments(topic))
                }
                starts[count] = i + 1
                count += 1
            }
            i += 1
        }
        starts[count] = bytes.count + 1
        let segments = Segments(bytes: bytes, starts: starts, count: count)

        if segments.first(0) == 0x5F { return .success(reservedTopLevel(segments)) }
        guard let site = SiteID(segments.text(0)) else {
            return .failure(Rejection(.badTopic, "site id \(quote(segments.text(0))) in topic \(quote(topic)) must be "
                + "1-64 characters of a-z 0-9 - _"))
        }
        guard count >= 2 else {
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) needs bk/v1/<site>/<device>/<channel>"))
        }
        if segments.first(1) == 0x5F {   // bk/v1/<site>/_gateway/...
            if count == 3, segments.equals(1, "_gateway"), let feed = Feed(rawValue: segments.text(2)) {
                return .success(.siteFeed(site, feed))
            }
            return .success(.reserved(text(bytes, from: prefixLength, to: bytes.count)))
        }
        guard let device = DeviceID(segments.text(1)) else {
            return .failure(Rejection(.badTopic, "device id \(quote(segments.text(1))) in topic \(quote(topic)) must be "
                + "1-64 characters of a-z 0-9 - _"))
        }
        guard count >= 3 else {
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) has no channel after the device id"))
        }
        guard count <= 4 else { return .failure(tooManySegments(topic)) }
        let key = DeviceKey(site: site, device: device)
        guard segments.length(2) > 0 else {
            return .failure(Rejection(.badTopic, "channel in topic \(quote(topic)) is empty or a wildcard"))
        }

        if count == 4 {
            guard segments.length(3) > 0 else {
                return .failure(Rejection(.badTopic, "topic \(quote(topic)) ends with an empty segment"))
            }
            guard segments.equals(2, "snapshot") else {
                return .failure(Rejection(.unknownChannel, "channel \(quote(segments.text(2) + "/" + segments.text(3))) "
                    + "is not part of protocol v1 (only snapshot/<id> has two segments)"))
            }
            let id = segments.text(3)
            guard TopicSafeName.isValid(id) else {
                return .failure(Rejection(.badTopic, "snapshot id \(quote(id)) in topic \(quote(topic)) must be "
                    + "1-64 characters of a-z 0-9 - _"))
            }
            return .success(.device(key, .snapshot(id: id)))
        }

        let channel: Channel
        switch segments.length(2) {
        case 5 where segments.equals(2, "birth"): channel = .birth
        case 5 where segments.equals(2, "state"): channel = .state
        case 5 where segments.equals(2, "event"): channel = .event
        case 5 where segments.equals(2, "frame"): channel = .frame
        case 5 where segments.equals(2, "weigh"): channel = .weigh
        case 9 where segments.equals(2, "telemetry"): channel = .telemetry
        case 6 where segments.equals(2, "ticket"): channel = .ticket
        case 3 where segments.equals(2, "cmd"): channel = .cmd
        case 8 where segments.equals(2, "snapshot"):
            return .failure(Rejection(.badTopic, "topic \(quote(topic)) needs an id: .../snapshot/<id>"))
        default:
            return .failure(Rejection(.unknownChannel, "channel \(quote(segments.text(2))) is not part of protocol v1 "
                + "(birth, state, telemetry, event, weigh, frame, snapshot/<id>)"))
        }
        return .success(.device(key, channel))
    }

    /// `bk/v1/_gateway/<id>/state`, `bk/v1/_regulator/<p>/<c>/<county>/<feed>`, or another reserved topic.
    private static func reservedTopLevel(_ s: Segments) -> Topic {
        if s.count == 3, s.equals(0, "_gateway"), s.equals(2, "state"), TopicSafeName.isValid(s.text(1)) {
            return .gatewayState(gatewayID: s.text(1))
        }
        if s.count == 5, s.equals(0, "_regulator"), let feed = Feed(rawValue: s.text(4)),
           let region = RegionCode(s.text(3)), region.station == nil,
           s.text(1) == region.province, s.text(2) == region.city {
            return .regulatorFeed(region, feed)
        }
        return .reserved(text(s.bytes, from: prefixLength, to: s.bytes.count))
    }

    private static func tooManySegments(_ topic: String) -> Rejection {
        Rejection(.badTopic, "topic \(quote(topic)) has too many segments; expected bk/v1/<site>/<device>/<channel>")
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// A topic quoted for a rejection message: at most 40 characters, control characters as `?`.
    static func quote(_ text: String) -> String {
        let shown = text.unicodeScalars.count <= 40 ? text : String(text.unicodeScalars.prefix(37)) + "..."
        return "\"" + shown.unicodeScalars.map { $0.value < 0x20 ? "?" : String($0) }.joined() + "\""
    }

    /// Segment start offsets on the stack: a tuple, not an array, on the per-message path.
    private struct Bounds {
        private var storage: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)

        subscript(_ n: Int) -> Int {
            get {
                switch n {
                case 0: storage.0
                case 1: storage.1
                case 2: storage.2
                case 3: storage.3
                case 4: storage.4
                default: storage.5
                }
            }
            set {
                switch n {
                case 0: storage.0 = newValue
                case 1: storage.1 = newValue
                case 2: storage.2 = newValue
                case 3: storage.3 = newValue
                case 4: storage.4 = newValue
                default: storage.5 = newValue
                }
            }
        }
    }

    /// The segments after the prefix: segment n runs from starts[n] to starts[n+1] - 1.
    private struct Segments {
        let bytes: UnsafeBufferPointer<UInt8>
        let starts: Bounds
        let count: Int

        func length(_ n: Int) -> Int { starts[n + 1] - 1 - starts[n] }

        func slice(_ n: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[starts[n]..<(starts[n + 1] - 1)])
        }

        func first(_ n: Int) -> UInt8? { slice(n).first }
        func text(_ n: Int) -> String { String(decoding: slice(n), as: UTF8.self) }
        func equals(_ n: Int, _ literal: StaticString) -> Bool {
            literal.withUTF8Buffer { slice(n).elementsEqual($0) }
        }
    }
}
