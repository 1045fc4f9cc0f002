import AsyncHTTPClient
import Crypto
import Foundation
import KitchenModel
import Logging
import NIOCore
import StorageModel

/// A receiver of alarm transitions: JSON POSTs signed with a shared secret.
public struct Webhook: Sendable, Hashable {
    public var name: String
    public var url: URL
    public var secret: String

    public init(name: String, url: URL, secret: String) {
        self.name = name
        self.url = url
        self.secret = secret
    }
}

/// Delivers the durable outbox to webhooks, retrying with exponential backoff. A message
/// leaves the outbox only after a 2xx answer, so a restart or a receiver outage delays
/// delivery and loses nothing.
///
/// Webhooks are delivered concurrently, each one POST at a time in outbox order, so a receiver
/// that hangs holds back only its own messages (each request has its own deadline).
///
/// Each POST carries `X-BrightKitchen-Timestamp` (ms) and `X-BrightKitchen-Signature:
/// sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>`; receivers recompute
/// it and refuse stale timestamps, so a captured request cannot be replayed later.
public final class WebhookDelivery: Sendable {
    let store: any OutboxStore
    let webhooks: [String: Webhook]
    let clock: any WallClock
    let logger: Logger
    let requestTimeout: Duration
    let http: WebhookHTTPClient

    /// `requestTimeout` bounds each POST from connecting to the end of the answer.
    public init(store: any OutboxStore, webhooks: [Webhook], clock: any WallClock, logger: Logger,
                requestTimeout: Duration = .seconds(10)) {
        self.store = store
        self.webhooks = Dictionary(webhooks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.clock = clock
        self.logger = logger
        self.requestTimeout = requestTimeout
        http = WebhookHTTPClient(requestTimeout: requestTimeout)
    }

    public var targets: [String] { webhooks.keys.sorted() }

    public static func signature(body: [UInt8], timestamp: EpochMillis, secret: String) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// 2 s, 4 s, 8 s … capped at one hour.
    public static func backoffMillis(afterAttempts attempts: Int) -> EpochMillis {
        min(3_600_000, 2_000 << min(attempts, 20))
    }

    /// Tries every due message once, webhooks concurrently; returns how many were delivered.
    @discardableResult
    public func deliverDue() async -> Int {
        guard let due = try? store.dueOutboxTargets(now: clock.now()) else { return 0 }
        return await withTaskGroup(of: Int.self) { group in
            for target in due {
                group.addTask { await self.deliverDue(target: target) }
            }
            return await group.reduce(0, +)
        }
    }

    /// Tries `target`'s due messages once each, oldest first, one at a time; returns how many
    /// were delivered. Messages for a name no longer configured are parked for an hour.
    @discardableResult
    public func deliverDue(target: String) async -> Int {
        let now = clock.now()
        guard let due = try? store.dueOutbox(now: now, target: target), !due.isEmpty else { return 0 }
        guard let webhook = webhooks[target] else {
            for message in due {
                try? store.outboxFailed(id: message.id, error: "no webhook named '\(target)' is configured",
                                        nextAttemptAt: now + 3_600_000)
            }
            return 0
        }
        var delivered = 0
        for message in due {
            // Shutting down: what is left stays due and goes first after the restart.
            if Task.isCancelled { break }
            if let error = await post(message, to: webhook) {
                if Task.isCancelled { break }
                let next = clock.now() + Self.backoffMillis(afterAttempts: message.attempts)
                try? store.outboxFailed(id: message.id, error: error, nextAttemptAt: next)
                logger.warning("webhook delivery failed; will retry", metadata: [
                    "webhook": "\(webhook.name)", "attempt": "\(message.attempts + 1)", "error": "\(error)",
                ])
            } else {
                try? store.outboxDelivered(id: message.id)
                delivered += 1
            }
        }
        return delivered
    }

    /// Delivers until cancelled: one loop per configured webhook, each scanning its own due
    /// messages every `interval`, and one for rows left under names no longer configured.
    /// Shuts the HTTP client down before returning.
    public func run(every interval: Duration = .seconds(1)) async {
        await withDiscardingTaskGroup { group in
            for target in targets {
                group.addTask { await Self.repeating(every: interval) { await self.deliverDue(target: target) } }
            }
            group.addTask {
                await Self.repeating(every: interval) {
                    let due = (try? self.store.dueOutboxTargets(now: self.clock.now())) ?? []
                    for target in due where self.webhooks[target] == nil { await self.deliverDue(target: target) }
                }
            }
        }
        await shutdown()
    }

    /// Closes the HTTP client's connections; later deliveries fail and their messages stay queued.
    public func shutdown() async {
        await http.shutdown()
    }

    private static func repeating(every interval: Duration, _ pass: () async -> Void) async {
        while !Task.isCancelled {
            await pass()
            try? await Task.sleep(for: interval)
        }
    }

    /// nil on success, else what went wrong.
    private func post(_ message: OutboxMessage, to webhook: Webhook) async -> String? {
        guard let client = http.client() else { return "webhook delivery is shut down" }
        let timestamp = clock.now()
        var request = HTTPClientRequest(url: webhook.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-BrightKitchen-Timestamp", value: "\(timestamp)")
        request.headers.add(name: "X-BrightKitchen-Signature",
                            value: Self.signature(body: message.body, timestamp: timestamp, secret: webhook.secret))
        request.headers.add(name: "X-BrightKitchen-Delivery", value: "\(message.id)")
        request.body = .bytes(ByteBuffer(bytes: message.body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(requestTimeout), logger: nil)
            // The status decides; reading the rest keeps the connection reusable.
            _ = try? await response.body.collect(upTo: 1 << 16)
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return "no answer within \(requestTimeout)"
        } catch {
            return "\(error)"
        }
    }
}
