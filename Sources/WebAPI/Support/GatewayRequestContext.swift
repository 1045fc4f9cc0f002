import Hummingbird
import NIOCore
import KitchenModel

/// The per-request context: Hummingbird's core storage plus who is asking.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, for per-client rate limits; nil in router tests.
    public let remoteAddress: SocketAddress?
    /// Set by `BearerAuthMiddleware` on every protected route.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies of the API are small JSON documents.
    public var maxUploadSize: Int { 256 * 1024 }

    /// JSON bodies pass `StrictJSONBody` (no duplicate keys, no control characters) first.
    public var requestDecoder: some RequestDecoder { StrictJSONDecoder() }
}
