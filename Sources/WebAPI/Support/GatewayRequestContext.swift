import Hummingbird
import KitchenModel

/// The per-request context: Hummingbird's core storage plus who is asking.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthMiddleware` on every protected route.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Request bodies of the API are small JSON documents.
    public var maxUploadSize: Int { 256 * 1024 }
}
