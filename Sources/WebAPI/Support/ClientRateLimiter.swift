import Foundation
import KitchenModel
import Synchronization

/// How fast one client may call a rate-limited route: `burst` requests at once, then
/// `perSecond` more each second (a token bucket).
public struct RateLimit: Sendable, Equatable {
    public var burst: Int
    public var perSecond: Double

    public init(burst: Int, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// The public ticket lookup: a shopper scans a handful of codes, a script enumerating
    /// codes or hammering the page is slowed to one a second.
    public static let publicLookup = RateLimit(burst: 30, perSecond: 1)

    /// Failed logins and unknown bearer tokens per client address: ten at once, then one every
    /// six seconds (ten a minute). Only failures count; at the limit every attempt from the
    /// address is refused with 429, right or wrong, until the bucket refills.
    public static let failedAuth = RateLimit(burst: 10, perSecond: 10.0 / 60)

    /// `BURST/PER_SECOND` (e.g. `30/1`), or `off` for nil.
    public static func parse(_ text: String) -> RateLimit?? {
        if text == "off" { return .some(nil) }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let burst = Int(parts[0]), burst >= 1, let rate = Double(parts[1]), rate > 0,
              rate.isFinite else { return nil }
        return .some(RateLimit(burst: burst, perSecond: rate))
    }
}

/// One token bucket per client address, in a table bounded by `maxClients` so a crowd of
/// addresses cannot grow it without end.
final class ClientRateLimiter: Sendable {
    enum Verdict: Equatable {
        case allowed
        /// Whole seconds until the next token, at least 1.
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let limit: RateLimit
    let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limit: RateLimit, maxClients: Int = 10_000) {
        self.limit = limit
        self.maxClients = maxClients
    }

    var trackedClients: Int { buckets.withLock { $0.count } }
    /// Times the full table was scanned to make room (tests read it).
    var evictions: Int { evictionCount.withLock { $0 } }
    private let evictionCount = Mutex(0)

    func take(client: String, now: ContinuousClock.Instant = .now) -> Verdict {
        buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: Double(limit.burst), updated: now)
            bucket.tokens = refilled(bucket, now: now)
            bucket.updated = now
            let verdict: Verdict
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                verdict = .allowed
            } else {
                let wait = limit.perSecond > 0 ? (1 - bucket.tokens) / limit.perSecond : 3600
                verdict = .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
            }
            if buckets[client] == nil && buckets.count >= maxClients { evict(from: &buckets, now: now) }
            buckets[client] = bucket
            return verdict
        }
    }

    /// What `take` would answer, without taking anything: for limits that count only failures.
    func check(client: String, now: ContinuousClock.Instant = .now) -> Verdict {
        buckets.withLock { buckets in
            guard let bucket = buckets[client] else { return .allowed }
            let tokens = refilled(bucket, now: now)
            guard tokens < 1 else { return .allowed }
            let wait = limit.perSecond > 0 ? (1 - tokens) / limit.perSecond : 3600
            return .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
        }
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Double {
        let elapsed = bucket.updated.duration(to: now)
        let seconds = elapsed.inSeconds
        return min(Double(limit.burst), bucket.tokens + max(0, seconds) * limit.perSecond)
    }

    /// Forgets clients whose bucket is full again (they would start fresh anyway). If nearly
    /// every client is active, forgets a tenth of the table at once: the bound matters more
    /// than fairness, and a crowd of new addresses must not make every request pay for a scan
    /// of the whole table (this runs on the event loop for the lookup fast path).
    private func evict(from buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        evictionCount.withLock { $0 += 1 }
        buckets = buckets.filter { refilled($0.value, now: now) < Double(limit.burst) }
        let keep = maxClients - max(1, maxClients / 10)
        if buckets.count > keep {
            for key in Array(buckets.keys.prefix(buckets.count - keep)) { buckets[key] = nil }
        }
    }
}
