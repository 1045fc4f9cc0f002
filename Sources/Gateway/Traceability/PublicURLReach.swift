import Foundation

/// Whether the URL printed in ticket QR codes can be opened by a consumer's phone.
public enum PublicURLReach {
    /// True for no URL (the default is the gateway's own loopback address) and for a host in
    /// 127.0.0.0/8, `::1`, `localhost` or `0.0.0.0`: no phone can open such a URL.
    public static func isLoopback(_ url: String?) -> Bool {
        guard let url, let host = URL(string: url)?.host?.lowercased() else { return true }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if ["localhost", "0.0.0.0", "::1", "::", "0:0:0:0:0:0:0:1"].contains(bare) || bare.hasSuffix(".localhost") {
            return true
        }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }

    /// The start-up warning when the operator allowed a loopback URL anyway.
    public static func warning(_ resolved: String) -> String {
        """

        ******************************************************************************
        * WARNING: ticket QR codes will point at \(resolved)
        * That is a loopback address: no consumer's phone can open it, so every
        * ticket printed now leads nowhere. Set --public-url (BK_PUBLIC_URL) to the
        * address consumers reach, e.g. https://trace.example.cn, before selling.
        ******************************************************************************

        """
    }

    /// Why `serve` refuses to start with a loopback URL.
    public static func refusal(_ resolved: String, given: Bool) -> String {
        """
        ticket QR codes would point at \(resolved)\(given ? "" : " (no --public-url given)"), \
        a loopback address that no consumer's phone can open.
          Pass --public-url https://<address consumers reach> (or BK_PUBLIC_URL),
          or --allow-loopback-public-url (BK_ALLOW_LOOPBACK_PUBLIC_URL=1) for a trial on one machine.
        """
    }
}
