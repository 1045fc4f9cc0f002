import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

/// A real HTTP receiver on loopback that fails its first `failures` requests.
final class Receiver: Sendable {
    struct Received: Sendable {
        var body: [UInt8]
        var timestamp: String?
        var signature: String?
        var delivery: String?
        var contentType: String?
    }

    let received = Mutex<[Received]>([])
    let failures: Int

    init(failures: Int = 0) { self.failures = failures }

    var count: Int { received.withLock { $0.count } }
    var bodies: [[UInt8]] { received.withLock { $0.map(\.body) } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let count = self.received.withLock { list in
                list.append(Received(body: Array(buffer: body), timestamp: Self.header(request, "x-brightkitchen-timestamp"),
                                     signature: Self.header(request, "x-brightkitchen-signature"),
                                     delivery: Self.header(request, "x-brightkitchen-delivery"),
                                     contentType: Self.header(request, "content-type")))
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
            let delivery = WebhookDelivery(store: store, webhooks: [webhook], clock: clock, logger: Logger(label: "test"))
            try await shuttingDown(delivery) {
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
                #expect(last.contentType == "application/json")
                let first = try #require(receiver.received.withLock { $0.first })
                #expect(first.delivery != nil && first.delivery == last.delivery, "a retry names the same message")
                let timestamp = try #require(last.timestamp.flatMap { EpochMillis($0) })
                #expect(last.signature == WebhookDelivery.signature(body: body, timestamp: timestamp, secret: "s3cret"))
                #expect(last.signature != WebhookDelivery.signature(body: body, timestamp: timestamp, secret: "other"))
            }
        }
    }

    @Test func backoffDoublesAndCapsAtAnHour() {
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 0) == 2_000)
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 3) == 16_000)
        #expect(WebhookDelivery.backoffMillis(afterAttempts: 40) == 3_600_000)
    }
}

/// Runs `body`, then shuts the delivery's HTTP client down whether or not `body` threw (a client
/// dropped while running is a programming error AsyncHTTPClient traps on in debug builds).
func shuttingDown<T>(_ delivery: WebhookDelivery, _ body: () async throws -> T) async throws -> T {
    do {
        let result = try await body()
        await delivery.shutdown()
        return result
    } catch {
        await delivery.shutdown()
        throw error
    }
}
