import ArgumentParser
import Foundation
import Gateway
import GatewayPorts
import KitchenRules
import Storage
import StorageModel
import WebAPI
import Logging
import Yams

/// Options shared by `serve` and `demo`; each has an environment variable equivalent
/// so containers and systemd units need no command line.
struct GatewayOptions: ParsableArguments {
    @Option(help: "Registry YAML with sites and devices (env BK_CONFIG).")
    var config: String?

    @Option(help: "External broker, mqtt://user:pass@host:port (env BK_BROKER). Default: a private mosquitto.")
    var broker: String?

    @Option(help: """
        The store (env BK_DATABASE): a SQLite file (or sqlite:PATH), or postgres://user@host[:port][,host2...]/db. \
        Default: <data-dir>/brightkitchen.sqlite.
        """)
    var database: String?

    @Option(help: "PostgreSQL password file (env BK_DATABASE_PASSWORD_FILE); or BK_DATABASE_PASSWORD. Never put it in the URL.")
    var databasePasswordFile: String?

    @Option(help: "Directory for the database and the embedded broker (env BK_DATA_DIR).")
    var dataDir: String?

    @Option(help: "HTTP port (env BK_HTTP_PORT).")
    var httpPort: Int?

    @Option(help: "HTTP listen address (env BK_HTTP_HOST).")
    var httpHost: String?

    @Option(help: "Serve HTTPS: PEM certificate chain file (env BK_HTTP_TLS_CERT); needs --http-tls-key.")
    var httpTlsCert: String?

    @Option(help: "Serve HTTPS: PEM private key file (env BK_HTTP_TLS_KEY).")
    var httpTlsKey: String?

    @Option(help: "Embedded broker: also listen for devices over TLS with this PEM certificate chain (env BK_BROKER_TLS_CERT); needs --broker-tls-key.")
    var brokerTlsCert: String?

    @Option(help: "Embedded broker: PEM private key of the TLS listener (env BK_BROKER_TLS_KEY).")
    var brokerTlsKey: String?

    @Option(help: "Embedded broker: TLS listener port (env BK_BROKER_TLS_PORT). Default: 8883.")
    var brokerTlsPort: Int?

    @Option(help: "Embedded broker: TLS listener address (env BK_BROKER_TLS_HOST). Default: 0.0.0.0.")
    var brokerTlsHost: String?

    @Option(help: "Gateway id: MQTT client id and state topic (env BK_GATEWAY_ID).")
    var gatewayId: String?

    @Flag(help: "Accept unknown devices that send a birth on a known site (installers).")
    var provisioning = false

    @Option(help: "Days of raw readings to keep (env BK_RETENTION_DAYS).")
    var retentionDays: Int?

    @Option(help: "Minutes between retention runs, 1 to 1440 (env BK_RETENTION_INTERVAL_MIN). Default: 60; the first run comes a minute after start.")
    var retentionIntervalMinutes: Int?

    @Option(help: "Alarm rule overrides, YAML (env BK_RULES); docs/rules.md lists every default.")
    var rules: String?

    @Option(name: .customLong("webhook"),
            help: "Alarm webhook NAME=URL; repeat for several (env BK_WEBHOOKS, comma separated).")
    var webhookSpecs: [String] = []

    @Option(help: "Shared secret that signs webhook bodies (env BK_WEBHOOK_SECRET).")
    var webhookSecret: String?

    @Option(help: "Base URL printed in ticket QR codes, e.g. https://trace.example.cn (env BK_PUBLIC_URL). Default: this gateway's HTTP address.")
    var publicUrl: String?

    @Option(help: "Ticket keyring file (env BK_TICKET_KEYS). Default: ticket-keys beside the database, created for a database that has no ticket.")
    var ticketKeys: String?

    @Option(help: "Days to keep batches and tickets, at least 183 (env BK_TRACE_RETENTION_DAYS).")
    var traceRetentionDays: Int?

    @Option(help: "Public lookup rate limit per client address, BURST/PER_SECOND or off (env BK_LOOKUP_RATE_LIMIT). Default: 30/1.")
    var lookupRateLimit: String?

    /// The lookup limit these options ask for (nil: none).
    func lookupLimit() throws -> RateLimit? {
        guard let text = lookupRateLimit ?? ProcessInfo.processInfo.environment["BK_LOOKUP_RATE_LIMIT"] else {
            return .publicLookup
        }
        guard let limit = RateLimit.parse(text) else {
            throw ValidationError("--lookup-rate-limit '\(text)' must be BURST/PER_SECOND (e.g. 30/1) or off")
        }
        return limit
    }

    @Option(help: "Holiday calendar for the complaint clocks (env BK_HOLIDAYS); docs/rules.md gives the format. Default: the one bundled.")
    var holidays: String?

    @Option(name: .customLong("trusted-proxy"), help: """
        Address of a reverse proxy whose X-Forwarded-Proto and X-Forwarded-For are believed; repeatable \
        (env BK_TRUSTED_PROXIES, comma-separated). Default: none.
        """)
    var trustedProxy: [String] = []

    /// A malformed address stops the command before anything starts.
    func validate() throws {
        _ = try trustedProxies()
    }

    /// The proxies these options name (none: forwarded headers are ignored).
    func trustedProxies() throws -> TrustedProxies {
        let env = ProcessInfo.processInfo.environment["BK_TRUSTED_PROXIES"]
        let addresses = trustedProxy.isEmpty
            ? (env ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            : trustedProxy
        do {
            return try TrustedProxies(addresses)
        } catch {
            throw ValidationError("--trusted-proxy: \(error)")
        }
    }

    @Option(help: "Folder of voice-warning clips, <label>.ulaw or .wav (env BK_VOICE_CLIPS). Default: voice/clips.")
    var voiceClips: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env BK_LOG_LEVEL).")
    var logLevel: String?

    func configuration(defaultConfig: String, defaultDataDir: String) throws -> GatewayConfiguration {
        let env = ProcessInfo.processInfo.environment
        let dataDir = dataDir ?? env["BK_DATA_DIR"] ?? defaultDataDir
        var c = GatewayConfiguration(
            registryPath: config ?? env["BK_CONFIG"] ?? defaultConfig,
            brokerURL: broker ?? env["BK_BROKER"],
            database: database ?? env["BK_DATABASE"] ?? (dataDir as NSString).appendingPathComponent("brightkitchen.sqlite"),
            dataDirectory: dataDir)
        c.databasePasswordFile = databasePasswordFile ?? env["BK_DATABASE_PASSWORD_FILE"]
        do { _ = try StoreLocation(c.database) } catch { throw ValidationError("--database: \(error)") }
        if let port = httpPort ?? env["BK_HTTP_PORT"].flatMap(Int.init) {
            guard (0...65_535).contains(port) else { throw ValidationError("--http-port \(port) is not a TCP port") }
            c.httpPort = port
        }
        c.httpHost = httpHost ?? env["BK_HTTP_HOST"] ?? c.httpHost
        c.httpTLS = try Self.tlsFiles(certificate: httpTlsCert ?? env["BK_HTTP_TLS_CERT"],
                                      key: httpTlsKey ?? env["BK_HTTP_TLS_KEY"], flag: "--http-tls")
        if let files = c.httpTLS { _ = try HTTPSConfiguration.load(files) }
        if let files = try Self.tlsFiles(certificate: brokerTlsCert ?? env["BK_BROKER_TLS_CERT"],
                                         key: brokerTlsKey ?? env["BK_BROKER_TLS_KEY"], flag: "--broker-tls") {
            guard c.brokerURL == nil else {
                throw ValidationError("--broker-tls-cert configures the embedded broker; with --broker the external broker's own TLS applies")
            }
            var tls = BrokerTLS(files: files)
            if let port = brokerTlsPort ?? env["BK_BROKER_TLS_PORT"].flatMap(Int.init) {
                guard (1...65_535).contains(port) else { throw ValidationError("--broker-tls-port \(port) is not a TCP port") }
                tls.port = port
            }
            tls.host = brokerTlsHost ?? env["BK_BROKER_TLS_HOST"] ?? tls.host
            c.brokerTLS = tls
        } else if brokerTlsPort != nil || brokerTlsHost != nil {
            throw ValidationError("--broker-tls-port and --broker-tls-host need --broker-tls-cert and --broker-tls-key")
        }
        c.gatewayID = gatewayId ?? env["BK_GATEWAY_ID"] ?? c.gatewayID
        c.voiceClipsDirectory = voiceClips ?? env["BK_VOICE_CLIPS"] ?? c.voiceClipsDirectory
        c.provisioning = provisioning
        if let days = retentionDays ?? env["BK_RETENTION_DAYS"].flatMap(Int.init) {
            guard days >= 1 else { throw ValidationError("--retention-days must be at least 1") }
            c.retention.rawReadingDays = days
        }
        if let text = retentionIntervalMinutes.map(String.init) ?? env["BK_RETENTION_INTERVAL_MIN"] {
            guard let minutes = Int(text), (1...1440).contains(minutes) else {
                throw ValidationError("--retention-interval-minutes '\(text)' must be a whole number of minutes from 1 to 1440")
            }
            c.retentionInterval = .seconds(minutes * 60)
        }
        if let url = publicUrl ?? env["BK_PUBLIC_URL"] {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  parsed.host != nil, parsed.query == nil else {
                throw ValidationError("--public-url '\(url)' must be http(s)://host[:port][/path], without a query")
            }
            c.publicURL = url
        }
        c.ticketKeysPath = ticketKeys ?? env["BK_TICKET_KEYS"]
        if let days = traceRetentionDays ?? env["BK_TRACE_RETENTION_DAYS"].flatMap(Int.init) {
            if let problem = RetentionRules.problem(traceabilityDays: days) {
                throw ValidationError("--trace-retention-days \(problem)")
            }
            c.retention.traceabilityDays = days
        }
        if let path = rules ?? env["BK_RULES"] {
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                c.rules = try YAMLDecoder().decode(RuleConfig.self, from: text)
                c.camera = try CameraRulesSection.parse(yaml: text)
            } catch {
                throw ValidationError("rules file '\(path)': \(error)")
            }
            let problems = c.rules.problems()
            guard problems.isEmpty else {
                throw ValidationError("rules file '\(path)':\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
            }
        }
        let specs = webhookSpecs.isEmpty
            ? (env["BK_WEBHOOKS"]?.split(separator: ",").map(String.init) ?? []) : webhookSpecs
        if !specs.isEmpty {
            guard let secret = webhookSecret ?? env["BK_WEBHOOK_SECRET"], secret.count >= 16 else {
                throw ValidationError("webhooks need --webhook-secret (or BK_WEBHOOK_SECRET) of at least 16 characters")
            }
            c.webhooks = try specs.map { spec in
                let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, let url = URL(string: parts[1]),
                      ["http", "https"].contains(url.scheme ?? "") else {
                    throw ValidationError("--webhook '\(spec)' must look like name=https://host/path")
                }
                return Webhook(name: parts[0], url: url, secret: secret)
            }
        }
        return c
    }

    /// Both files or neither; each must be readable now rather than at the first connection.
    private static func tlsFiles(certificate: String?, key: String?, flag: String) throws -> TLSFiles? {
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            for (path, what) in [(certificate, "cert"), (key, "key")] where !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag)-\(what) '\(path)' is not a readable file")
            }
            // Absolute, because the broker's config file and a restart may not share our directory.
            return TLSFiles(certificate: URL(fileURLWithPath: certificate).standardizedFileURL.path,
                            privateKey: URL(fileURLWithPath: key).standardizedFileURL.path)
        default:
            throw ValidationError("\(flag)-cert and \(flag)-key go together: give both PEM files")
        }
    }

    func makeLogger(label: String) -> Logger {
        let env = ProcessInfo.processInfo.environment
        let level = (logLevel ?? env["BK_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingBootstrap.once
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

enum LoggingBootstrap {
    static let once: Void = {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    }()
}
