@testable import Gateway
import KitchenModel
import Logging
import Synchronization
import Testing

/// Collects log lines in memory.
private final class Lines: Sendable {
    let lines = Mutex<[String]>([])
}

private struct CollectingHandler: LogHandler {
    let sink: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let extra = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.lines.withLock { $0.append("\(message) \(extra)") }
    }
}

@Suite struct RejectLogTests {
    @Test func logsAFewPerReasonThenSaysHowManyWereSuppressed() {
        let sink = Lines()
        let log = RejectLog(logger: Logger(label: "t") { _ in CollectingHandler(sink: sink) }, perWindow: 3,
                            windowMillis: 60_000)
        let bad = Rejection(.badJSON, "unexpected end of input")
        for i in 0..<100 { log.record(bad, topic: "bk/v1/a/b/telemetry", payloadSize: 10, now: Int64(i)) }
        log.record(Rejection(.unknownSite, "site 'x' is not registered"), topic: "bk/v1/x/b/telemetry", payloadSize: 3, now: 100)
        #expect(sink.lines.withLock { $0.count } == 4)
        log.record(bad, topic: "bk/v1/a/b/telemetry", payloadSize: 10, now: 60_001)
        let lines = sink.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("suppressed repeated rejections") && $0.contains("count=97") })
        #expect(lines.last?.contains("reason=bad_json") == true)
    }
}
