import AsyncHTTPClient
import NIOCore
import Synchronization

/// The one HTTP client webhook delivery POSTs through: made on first use, so a gateway without
/// webhooks starts no connection pool, and shut down once. After `shutdown()` no new client is
/// made: a late POST fails (its message stays in the outbox) rather than leak a client.
final class WebhookHTTPClient: Sendable {
    private enum State {
        case idle
        case running(HTTPClient)
        case shutDown
    }

    private let state = Mutex<State>(.idle)
    private let requestTimeout: Duration

    init(requestTimeout: Duration) {
        self.requestTimeout = requestTimeout
    }

    /// The client, made now if this is the first use; nil once shut down.
    func client() -> HTTPClient? {
        state.withLock { state in
            switch state {
            case .idle:
                // Creating the client does no I/O: connections open on the first request.
                let timeout = TimeAmount(requestTimeout)
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                    timeout: .init(connect: timeout, read: timeout, write: timeout)))
                state = .running(client)
                return client
            case .running(let client):
                return client
            case .shutDown:
                return nil
            }
        }
    }

    /// Closes the pool's connections (in-flight requests fail) and refuses further use.
    func shutdown() async {
        let client: HTTPClient? = state.withLock { state in
            defer { state = .shutDown }
            if case .running(let client) = state { return client }
            return nil
        }
        try? await client?.shutdown()
    }
}
