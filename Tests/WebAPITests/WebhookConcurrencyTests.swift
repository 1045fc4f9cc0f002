import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

/// One receiver that hangs beside one that answers: the healthy one is served promptly, the hanging
/// one's POSTs time out and are retried, and its messages stay in the outbox until delivered.
@Suite struct WebhookConcurrencyTests {
    static let secret = "s3cret-s3cret-16"

    static func hook(_ name: String, port: Int) -> Webhook {
        Webhook(name: name, url: URL(string: "http://127.0.0.1:\(port)/hook")!, secret: secret)
    }

    @Test func aHangingReceiverHoldsBackOnlyItsOwnMessages() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let clock = ManualClock(1_795_276_800_000)
        let receiver = Receiver()
        let hanging = try SilentListener()
        defer { hanging.stop() }
        let first = Array(#"{"alarm":"a1"}"#.utf8), second = Array(#"{"alarm":"a2"}"#.utf8)
        // Long enough that a loaded machine serves the healthy receiver well inside it (2 s was not, under
        // parallel suites), short enough to wait for twice.
        let timeout = Duration.seconds(4)

        let app = Application(router: receiver.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let delivery = WebhookDelivery(store: store, webhooks: [Self.hook("city", port: port),
                                                                    Self.hook("stuck", port: hanging.port)],
                                           clock: clock, logger: Logger(label: "test"), requestTimeout: timeout)
            try await shuttingDown(delivery) {
                // "stuck" is queued first: one loop for all would make "city" wait for its timeout.
                try store.enqueueOutbox(targets: ["stuck", "city"], body: first, now: clock.now())
                let started = ContinuousClock.now
                let running = Task { await delivery.run(every: .milliseconds(50)) }

                #expect(await eventually(timeout: .seconds(5)) { () async in receiver.count == 1 })
                try store.enqueueOutbox(targets: ["stuck", "city"], body: second, now: clock.now())
                #expect(await eventually(timeout: .seconds(5)) { () async in receiver.count == 2 })
                #expect(ContinuousClock.now - started < timeout, "the healthy webhook waited for the hanging one")
                #expect(receiver.bodies == [first, second])
                #expect(hanging.accepted == 1, "the hanging receiver holds the first POST")
                // The delivery loop deletes "city"'s rows just after the receiver counted them.
                #expect(await eventually(timeout: .seconds(1)) { () async in
                    (try? store.pendingOutbox().map(\.target)) == ["stuck", "stuck"]
                })
                #expect(try store.pendingOutbox().map(\.attempts) == [0, 0], "still in flight, not failed yet")

                // The hanging POST times out, counts as a failed attempt and waits its backoff.
                #expect(await eventually(timeout: .seconds(10)) { () async in
                    (try? store.pendingOutbox().first?.attempts) == 1
                })
                let failed = try #require(try store.pendingOutbox().first)
                #expect(failed.lastError?.contains("no answer within") == true, "\(failed.lastError ?? "nil")")
                #expect(failed.nextAttemptAt == clock.now() + WebhookDelivery.backoffMillis(afterAttempts: 0))

                // Past the backoff it is tried again (a new connection: the timed-out one was dropped).
                #expect(await eventually(timeout: .seconds(10)) { () async in
                    (try? store.pendingOutbox().map(\.attempts)) == [1, 1]
                })
                #expect(hanging.accepted == 2)
                clock.advance(byMillis: WebhookDelivery.backoffMillis(afterAttempts: 0))
                #expect(await eventually(timeout: .seconds(5)) { () async in hanging.accepted == 3 })

                // Stopping cancels the POST in flight at once; the message is kept, its attempt not counted.
                let stopping = ContinuousClock.now
                running.cancel()
                await running.value
                #expect(ContinuousClock.now - stopping < timeout)
                #expect(try store.pendingOutbox().map(\.body) == [first, second])
                #expect(try store.pendingOutbox().map(\.attempts) == [1, 1])
            }

            // The receiver is back (here: the same name pointed at one that answers): nothing was
            // lost, and its messages arrive in the order they were queued.
            clock.advance(byMillis: WebhookDelivery.backoffMillis(afterAttempts: 1))
            let restarted = WebhookDelivery(store: store, webhooks: [Self.hook("stuck", port: port)], clock: clock,
                                            logger: Logger(label: "test"), requestTimeout: timeout)
            try await shuttingDown(restarted) { () async throws in
                #expect(await restarted.deliverDue() == 2)
                #expect(try store.pendingOutbox().isEmpty)
                #expect(receiver.bodies == [first, second, first, second])
            }
        }
    }

    @Test func rowsForARemovedWebhookWaitAnHourWhileTheOthersAreDelivered() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let clock = ManualClock(1_795_276_800_000)
        let receiver = Receiver()
        let app = Application(router: receiver.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let delivery = WebhookDelivery(store: store, webhooks: [Self.hook("city", port: port)], clock: clock,
                                           logger: Logger(label: "test"))
            try await shuttingDown(delivery) {
                try store.enqueueOutbox(targets: ["gone", "city"], body: Array("{}".utf8), now: clock.now())
                #expect(await delivery.deliverDue() == 1)
                #expect(receiver.count == 1)
                let parked = try #require(try store.pendingOutbox().first)
                #expect(parked.target == "gone")
                #expect(parked.lastError == "no webhook named 'gone' is configured")
                #expect(parked.nextAttemptAt == clock.now() + 3_600_000)
                #expect(await delivery.deliverDue() == 0)
                #expect(try store.pendingOutbox().first?.attempts == 1, "not tried again before the hour")
            }
        }
    }
}
