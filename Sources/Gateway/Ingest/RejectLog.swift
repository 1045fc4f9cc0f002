import KitchenModel
import Logging
import Synchronization

/// Logs rejections without flooding: a few lines per reason per minute, then one
/// line saying how many were suppressed.
final class RejectLog: Sendable {
    private struct Window {
        var start: EpochMillis = 0
        var logged = 0
        var suppressed = 0
    }

    private let logger: Logger
    private let perWindow: Int
    private let windowMillis: EpochMillis
    private let windows = Mutex<[RejectReason: Window]>([:])

    init(logger: Logger, perWindow: Int = 5, windowMillis: EpochMillis = 60_000) {
        self.logger = logger
        self.perWindow = perWindow
        self.windowMillis = windowMillis
    }

    func record(_ rejection: Rejection, topic: String, payloadSize: Int, now: EpochMillis) {
        let (log, suppressedBefore) = windows.withLock { w -> (Bool, Int) in
            var window = w[rejection.reason] ?? Window()
            var suppressed = 0
            if now - window.start >= windowMillis {
                suppressed = window.suppressed
                window = Window(start: now)
            }
            let log = window.logged < perWindow
            if log { window.logged += 1 } else { window.suppressed += 1 }
            w[rejection.reason] = window
            return (log, suppressed)
        }
        if suppressedBefore > 0 {
            logger.warning("suppressed repeated rejections", metadata: [
                "reason": "\(rejection.reason.rawValue)", "count": "\(suppressedBefore)",
            ])
        }
        if log {
            logger.warning("rejected message", metadata: [
                "reason": "\(rejection.reason.rawValue)", "topic": "\(TerminalText.escape(topic.prefix(200)))",
                "bytes": "\(payloadSize)", "detail": "\(TerminalText.escape(rejection.message))",
            ])
        }
    }
}
