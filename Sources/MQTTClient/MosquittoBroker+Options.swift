import Foundation

extension MosquittoBroker {
    /// How to run the private broker.
    public struct Options: Sendable, Equatable {
        /// Loopback port; nil picks a free one.
        public var port: Int?
        /// Where the config, log, pid file and (then switched on) persistence live, so persistent
        /// sessions and queued messages survive a broker restart. Nil uses a temporary
        /// directory, removed on `stop()`, with persistence off.
        public var dataDirectory: String?
        /// A file made by `mosquitto_passwd`.
        public var passwordFile: String?
        public var aclFile: String?
        public var allowAnonymous: Bool
        /// Per-client queue while it is away or slow; beyond it QoS ≥ 1 messages are dropped.
        public var maxQueuedMessages: Int
        /// Largest accepted payload in bytes (camera snapshots need ~2 MB).
        public var messageSizeLimit: Int
        /// QoS ≥ 1 messages the broker keeps unacknowledged towards one client. mosquitto's
        /// default of 20 makes a subscriber latency-bound; 0 means unlimited.
        public var maxInflightMessages: Int
        /// How often the in-memory state is written to disk. A SIGKILLed broker loses what
        /// arrived since the last save; a SIGTERMed one saves on the way out.
        public var autosaveIntervalSeconds: Int
        /// A second listener that speaks only TLS, for devices on other machines; nil: none.
        public var tlsListener: TLSListener?
        /// `use_username_as_clientid` on every listener: a client's session id is its username,
        /// whatever client id it sends, so no account can take over another's connection, session
        /// or Will by naming its client id. Needs accounts (anonymous clients are refused).
        public var bindClientIDToUsername: Bool
        /// `set_tcp_nodelay`: deliver small packets at once instead of coalescing them (Nagle).
        /// Off only to reproduce a deployment broker's default (BrokerDelayProbe's tests).
        public var tcpNoDelay: Bool
        /// Lines appended verbatim to the generated mosquitto.conf.
        public var extraConfig: [String]

        public init(
            port: Int? = nil,
            dataDirectory: String? = nil,
            passwordFile: String? = nil,
            aclFile: String? = nil,
            allowAnonymous: Bool = true,
            maxQueuedMessages: Int = 1_000_000,
            messageSizeLimit: Int = 2_200_000,
            maxInflightMessages: Int = 1000,
            autosaveIntervalSeconds: Int = 10,
            tlsListener: TLSListener? = nil,
            bindClientIDToUsername: Bool = false,
            tcpNoDelay: Bool = true,
            extraConfig: [String] = []
        ) {
            self.port = port
            self.dataDirectory = dataDirectory
            self.passwordFile = passwordFile
            self.aclFile = aclFile
            self.allowAnonymous = allowAnonymous
            self.maxQueuedMessages = maxQueuedMessages
            self.messageSizeLimit = messageSizeLimit
            self.maxInflightMessages = maxInflightMessages
            self.autosaveIntervalSeconds = autosaveIntervalSeconds
            self.tlsListener = tlsListener
            self.bindClientIDToUsername = bindClientIDToUsername
            self.tcpNoDelay = tcpNoDelay
            self.extraConfig = extraConfig
        }
    }

    /// A TLS-only listener. The plain listener stays on loopback for the gateway itself; this one
    /// is what devices on the network reach. Accounts and ACL apply to both (mosquitto's default
    /// `per_listener_settings false`).
    public struct TLSListener: Sendable, Equatable {
        /// Address to bind; `0.0.0.0` for every interface.
        public var host: String
        public var port: Int
        /// PEM server certificate (chain: server first, then intermediates) and its private key.
        public var certificateFile: String
        public var keyFile: String

        public init(host: String = "0.0.0.0", port: Int = 8883, certificateFile: String, keyFile: String) {
            self.host = host
            self.port = port
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }

        /// Bound to every interface or loopback, so the readiness and free-port probes on
        /// 127.0.0.1 mean something.
        var isLocallyReachable: Bool { ["0.0.0.0", "127.0.0.1", "localhost"].contains(host) }
    }

    /// The mosquitto.conf for these options.
    static func configText(options: Options, port: Int, directory: String, persistence: Bool) -> String {
        // A listener option: it must follow each `listener` line (the man page's LISTENERS section).
        let listenerOptions = options.bindClientIDToUsername ? ["use_username_as_clientid true"] : []
        var lines = [
            "# Written by BrightKitchen's MosquittoBroker on every start; edits are lost.",
            "listener \(port) 127.0.0.1",
        ] + listenerOptions + [
            "allow_anonymous \(options.allowAnonymous)",
            "max_inflight_messages \(options.maxInflightMessages)",
            // Deliver small packets at once instead of coalescing them (Nagle).
            "set_tcp_nodelay \(options.tcpNoDelay)",
            "max_queued_messages \(options.maxQueuedMessages)",
            "message_size_limit \(options.messageSizeLimit)",
            "persistent_client_expiration 30d",
            "log_dest file \(directory)/mosquitto.log",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            "log_timestamp_format %Y-%m-%dT%H:%M:%S",
        ]
        if persistence {
            lines += [
                "persistence true",
                "persistence_location \(directory)/",
                "autosave_interval \(options.autosaveIntervalSeconds)",
            ]
        }
        if let passwordFile = options.passwordFile { lines.append("password_file \(passwordFile)") }
        if let aclFile = options.aclFile { lines.append("acl_file \(aclFile)") }
        // Started as root, mosquitto switches to the "mosquitto" user and then cannot write
        // its log or persistence into our directory.
        if geteuid() == 0 { lines.append("user root") }
        if let tls = options.tlsListener {
            // Everything after a `listener` line up to the next one configures that listener.
            lines += [
                "listener \(tls.port) \(tls.host)",
                "certfile \(tls.certificateFile)",
                "keyfile \(tls.keyFile)",
                "tls_version tlsv1.2",
            ] + listenerOptions
        }
        lines += options.extraConfig
        return lines.joined(separator: "\n") + "\n"
    }
}
