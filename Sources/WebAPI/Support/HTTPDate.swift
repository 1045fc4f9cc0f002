import Foundation
import Synchronization

/// The `Date` header value (RFC 9110 IMF-fixdate, e.g. `Sun, 22 Nov 2026 09:10:40 GMT`),
/// formatted at most once a second: the lookup fast path answers tens of thousands of
/// requests a second and every one of them carries it.
final class HTTPDate: Sendable {
    static let shared = HTTPDate()

    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    var now: String { text(for: time(nil)) }

    func text(for second: Int) -> String {
        cached.withLock { cached in
            if cached.second != second { cached = (second, Self.format(second)) }
            return cached.text
        }
    }

    static func format(_ second: Int) -> String {
        var t = time_t(second)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(1900 + Int(parts.tm_year)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
