import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every ticket's QR code holds the public lookup URL. Without `--public-url` that is the
/// gateway's own listening address, often `127.0.0.1` or `0.0.0.0`: the codes print fine and no
/// customer's phone can open them. The dashboard says so on every page until it is fixed.
enum PublicURLBanner {
    /// The host of `url` when no other device can reach it: loopback (127.0.0.0/8, `::1`,
    /// `localhost`), unspecified (`0.0.0.0`, `::`), or IPv4-mapped forms of those; nil otherwise.
    static func unreachableHost(in url: String) -> String? {
        var rest = Substring(url.lowercased())
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        let host: Substring
        if hostPort.hasPrefix("[") {
            host = hostPort.dropFirst().prefix { $0 != "]" }
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        let name = host.hasSuffix(".") ? String(host.dropLast()) : String(host)
        return isUnreachable(name) ? name : nil
    }

    static func isUnreachable(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return unreachable(v4: UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) { return bytes[15] <= 1 }  // :: and ::1
        // ::ffff:a.b.c.d, an IPv4 address written as IPv6.
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return unreachable(v4: bytes[12...].reduce(0) { $0 << 8 | UInt32($1) })
        }
        return false
    }

    private static func unreachable(v4 address: UInt32) -> Bool {
        address >> 24 == 127 || address == 0
    }

    /// The warning for the top of a page, or "" when the lookup URL is fine (or nothing sells).
    static func html(lookupPrefix: String, kit: PageKit) -> String {
        guard let host = unreachableHost(in: lookupPrefix) else { return "" }
        let url = HTML.escape(lookupPrefix)
        return "<div class=\"alert\" role=\"alert\">" + kit.t(
            "溯源码无法访问：小票二维码指向 \(url)（\(HTML.escape(host)) 只在本机可达），顾客手机扫码打不开。"
                + "请用 --public-url 设置顾客能访问的地址并重启网关，再继续出票。",
            "Printed codes are unreachable: ticket QR codes point at \(url) (\(HTML.escape(host)) is only reachable "
                + "from this machine), which no customer's phone can open. Set --public-url to an address customers "
                + "can reach and restart the gateway before selling more.") + "</div>"
    }
}
