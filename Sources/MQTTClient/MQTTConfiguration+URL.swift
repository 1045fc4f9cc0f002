import Foundation

extension MQTTConfiguration {
    /// Reads `mqtt://[user[:password]@]host[:port]` (plain, default port 1883) or
    /// `mqtts://…` (TLS with the system trust store, default port 8883). `tcp://` and `ssl://`
    /// are accepted as aliases. User and password may be percent-encoded. Query options:
    /// `version=5` (or `3.1.1`), and for TLS `ca=`, `cert=`, `key=` (file paths) and `insecure=1`
    /// (skip the host name check, for test CAs only).
    public static func parse(url: String, clientID: String) throws -> MQTTConfiguration {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(operation: "parse broker URL '\(url)'", code: MQTTError.invalidInputCode, reason: why)
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw invalid("not a URL; expected mqtt://host:port or mqtts://host:port")
        }
        let usesTLS: Bool
        switch scheme {
        case "mqtt", "tcp": usesTLS = false
        case "mqtts", "ssl": usesTLS = true
        default: throw invalid("unknown scheme '\(scheme)'; use mqtt or mqtts")
        }
        guard var host = components.host, !host.isEmpty else {
            throw invalid("missing host")
        }
        // URLComponents keeps the brackets of an IPv6 literal; the resolver wants it bare.
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["version", "ca", "cert", "key", "insecure"].contains(item.name) else {
                throw invalid("unknown option '\(item.name)'; known: version, ca, cert, key, insecure")
            }
            query[item.name] = item.value ?? ""
        }
        if !components.path.isEmpty && components.path != "/" {
            throw invalid("unexpected path '\(components.path)'")
        }
        let port = components.port ?? (usesTLS ? 8883 : 1883)
        guard (1...65535).contains(port) else {
            throw invalid("port \(port) out of range 1...65535")
        }
        var configuration = MQTTConfiguration(host: host, port: port, clientID: clientID)
        configuration.username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        configuration.password = components.password
        configuration.tls = usesTLS ? MQTTTLS() : nil
        switch query["version"] {
        case nil, "3.1.1", "4": configuration.protocolVersion = .v311
        case "5": configuration.protocolVersion = .v5
        case let other?: throw invalid("version '\(other)' is not 3.1.1 or 5")
        }
        let tlsOptions = ["ca", "cert", "key", "insecure"].filter { query[$0] != nil }
        if !tlsOptions.isEmpty {
            guard usesTLS else { throw invalid("\(tlsOptions.joined(separator: ", ")) need an mqtts:// URL") }
            configuration.tls = MQTTTLS(caFile: query["ca"], certFile: query["cert"], keyFile: query["key"],
                                        insecureSkipHostnameCheck: query["insecure"] == "1" || query["insecure"] == "true")
        }
        return configuration
    }
}
