import HTTPTypes
import Hummingbird
import NIOCore

/// Peer addresses of reverse proxies the operator declared trusted (`serve --trusted-proxy`).
/// Only from those does the gateway believe `X-Forwarded-Proto` (the browser used HTTPS, so the
/// session cookie is marked `Secure`) and `X-Forwarded-For` (the client a failed login is
/// counted against). From anyone else those headers are ignored: a client could write any value.
public struct TrustedProxies: Sendable, Equatable {
    /// Addresses in NIO's canonical text form, so `::1` and `0:0::1` are the same.
    public let addresses: Set<String>

    public static let none = TrustedProxies(canonical: [])

    private init(canonical: Set<String>) { addresses = canonical }

    /// Throws `TrustedProxyError` for anything that is not an IPv4 or IPv6 address.
    public init(_ addresses: [String]) throws(TrustedProxyError) {
        var canonical = Set<String>()
        for text in addresses {
            guard let address = try? SocketAddress(ipAddress: text, port: 0), let ip = address.ipAddress else {
                throw TrustedProxyError(text: text)
            }
            canonical.insert(ip)
        }
        self.addresses = canonical
    }

    func contains(_ peer: SocketAddress?) -> Bool {
        guard !addresses.isEmpty, let ip = peer?.ipAddress else { return false }
        return addresses.contains(ip)
    }

    /// The browser reached the gateway over HTTPS: served with TLS here, or a trusted proxy says so.
    func isHTTPS(_ request: Request, peer: SocketAddress?, servesHTTPS: Bool) -> Bool {
        if servesHTTPS { return true }
        guard contains(peer), let proto = request.headers[.xForwardedProto] else { return false }
        return proto.split(separator: ",").first?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// The client's address: the peer's, or behind a trusted proxy the last `X-Forwarded-For`
    /// entry (the address the proxy itself saw; earlier entries are the client's own claims).
    func client(_ request: Request, peer: SocketAddress?) -> String {
        let direct = peer?.ipAddress ?? "unknown"
        guard contains(peer), let forwarded = request.headers[values: .xForwardedFor].last,
              let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              let address = try? SocketAddress(ipAddress: last, port: 0), let ip = address.ipAddress
        else { return direct }
        return ip
    }
}

public struct TrustedProxyError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public var description: String { "'\(text)' is not an IP address (a trusted proxy is named by its address)" }
}

extension HTTPField.Name {
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
