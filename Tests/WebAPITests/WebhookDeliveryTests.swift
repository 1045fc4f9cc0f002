import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import Synchronization
import TestSupport
import Testing

private struct ManualWallClock: WallClock {
    let clock: ManualClock
    func now() -> EpochMillis { clock.now() }
}

/// A real HTTP receiver on loopback that fails its first `failures` requests.
private final class Receiver: Sendable {
    struct Received: Sendable {
        var body: [UInt8]
        var timestamp: String?
        var signature: String?
    }

    let received = Mutex<[Received]>([])
    let failures: Int

    init(failures: Int) { self.failures = failures }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let count = self.received.withLock { list in
                list.append(Received(body: Array(buffer: body), timestamp: Self.header(request, "x-brightkitchen-timestamp"),
                                     signature: Self.header(request, "x-brightkitchen-signature")))
                return list.count
            }
            return count <= self.failures ? .serviceUnavailable : .noContent
        }
        return router
    }

    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }
}

@Suite struct WebhookDeliveryTests {
    @Test func signsRetriesWithBackoffAndDeliversOnce() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let clock = ManualClock(1_795_276_800_000)
        let receiver = Receiver(failures: 1)
        let app = Application(router: receiver.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let webhook = Webhook(name: "city", url: URL(string: "http://127.0.0.1:\(port)/hook")!, secret: "s3cret")
            let delivery = WebhookDelivery(store: store, webhooks: [webhook], clock: ManualWallClock(clock: clock),
                                           logger: Logger(label: "test"))
            let body = Array(#"{"alarm":"a1","transition":"raised"}"#.utf8)
            try store.enqueueOutbox(targets: ["city"], body: body, now: clock.now())

            #expect(await delivery.deliverDue() == 0)  // 503: kept, retried later
            #expect(try store.pendingOutbox().first?.attempts == 1)
            #expect(await delivery.deliverDue() == 0)  // not due yet
            #expect(receiver.received.withLock { $0.count } == 1)
            clock.advance(byMillis: WebhookDelivery.backoffMillis(afterAttempts: 0))
            #expect(await delivery.deliverDue() == 1)
            #expect(try store.pendingOutbox().isEmpty)

            let last = try #require(receiver.received.withLock { $0.last })
            #expect(last.body == body)
            let timestamp = try #require(last.timestamp.flatMap { EpochMillis($0) })
            #expect(last.signature == WebhookDelivery.signature(body: body, timestamp: timestamp, secret: "s3cret"))
            #expect(last.signature != WebhookDelivery.signature(body: body, timestamp: timestamp, secret: "other"))
        }
    }

    @Test func backoffDoublesAndCapsAtAnHour() {
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 0) == 2_000)
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 3) == 16_000)
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 40) == 3_600_000)
    }
}
