import Foundation
import GatewayPorts
import KitchenRules
import Logging
import Synchronization

/// How the public ratings and complaints are run (docs/web.md, "Ratings and complaints").
public struct FeedbackSettings: Sendable {
    /// Where complaint steps are published; nil: stored (and queued for no webhook) only.
    public var feed: (any ComplaintFeed)?
    /// The working days the legal clocks count.
    public var calendar = HolidayCalendarFile.bundled
    /// Posts (ratings and complaints together) per client address: a family rating from one
    /// phone is a handful, a script is slowed to one every half minute.
    public var perClient = RateLimit(burst: 6, perSecond: 1.0 / 30)
    /// Posts per site from all addresses: a crowd after an incident is welcome, a flood is not.
    public var perSite = RateLimit(burst: 60, perSecond: 1.0 / 10)
    /// Counters; `serve` hands in the gateway's registry so `/metrics` shows them.
    public var metrics = FeedbackMetrics()

    public init() {}
}

/// The holiday calendar the clocks count working days with: the deployment's file
/// (`--holidays FILE`), re-read when its modification time changes, else the one bundled with
/// this build (`Sources/WebAPI/Complaints/holidays-cn.txt`, its years and source in the file).
public final class HolidayCalendarFile: Sendable {
    public let path: String?
    private let state: Mutex<(calendar: HolidayCalendar, modified: Date?)>

    /// The calendar bundled with this build.
    public static let bundled = HolidayCalendarFile(bundled: ())

    private init(bundled: Void) {
        path = nil
        let calendar = (try? HolidayCalendar.parse(String(decoding: PackageResources.holidays_cn_txt, as: UTF8.self)))
            ?? HolidayCalendar()
        state = Mutex((calendar, nil))
    }

    /// Reads and checks the file now: a bad file stops the start with its line number.
    public init(path: String) throws {
        self.path = path
        let (calendar, modified) = try Self.read(path)
        state = Mutex((calendar, modified))
    }

    public var calendar: HolidayCalendar { state.withLock { $0.calendar } }

    /// Re-reads the file if it changed; a file that no longer parses keeps the last good calendar
    /// and says why (logged by the caller).
    @discardableResult
    public func reloadIfChanged() -> String? {
        guard let path else { return nil }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        guard modified != state.withLock({ $0.modified }) else { return nil }
        do {
            let (calendar, stamp) = try Self.read(path)
            state.withLock { $0 = (calendar, stamp) }
            return nil
        } catch {
            state.withLock { $0.modified = modified }
            return "\(error)"
        }
    }

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    private static func read(_ path: String) throws -> (HolidayCalendar, Date?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read the holiday calendar '\(path)'")
        }
        guard data.count <= 1 << 20, let text = String(data: data, encoding: .utf8) else {
            throw ReadError(description: "the holiday calendar '\(path)' is not UTF-8 text under 1 MB")
        }
        do {
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            return (try HolidayCalendar.parse(text), modified)
        } catch {
            throw ReadError(description: "holiday calendar '\(path)' \(error)")
        }
    }
}
