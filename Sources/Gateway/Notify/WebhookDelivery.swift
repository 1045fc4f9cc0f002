import Crypto
import Foundation
import KitchenModel
import Logging
import Storage

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
/// Each POST carries `X-BrightKitchen-Timestamp` (ms) and `X-BrightKitchen-Signature:
/// sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>`; receivers recompute
/// it and refuse stale timestamps, so a captured request cannot be replayed later.
public final class WebhookDelivery: Sendable {
    let store: Store
    let webhooks: [String: Webhook]
    let clock: any WallClock
    let logger: Logger

    public init(store: Store, webhooks: [Webhook], clock: any WallClock, logger: Logger) {
        self.store = store
        self.webhooks = Dictionary(webhooks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.clock = clock
        self.logger = logger
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

    /// Tries every due message once; returns how many were delivered.
    @discardableResult
    public func deliverDue() async -> Int {
        let now = clock.now()
        guard let due = try? store.dueOutbox(now: now) else { return 0 }
        var delivered = 0
        for message in due {
            guard let webhook = webhooks[message.target] else {
                try? store.outboxFailed(id: message.id, error: "no webhook named '\(message.target)' is configured",
                                        nextAttemptAt: now + 3_600_000)
                continue
            }
            if let error = await post(message, to: webhook) {
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

    /// nil on success, else what went wrong.
    private func post(_ message: OutboxMessage, to webhook: Webhook) async -> String? {
        let timestamp = clock.now()
        var request = URLRequest(url: webhook.url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = Data(message.body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("\(timestamp)", forHTTPHeaderField: "X-BrightKitchen-Timestamp")
        request.setValue(Self.signature(body: message.body, timestamp: timestamp, secret: webhook.secret),
                         forHTTPHeaderField: "X-BrightKitchen-Signature")
        request.setValue("\(message.id)", forHTTPHeaderField: "X-BrightKitchen-Delivery")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch {
            return "\(error.localizedDescription)"
        }
    }
}
