/// MQTT protocol level spoken on the wire.
public enum MQTTProtocolVersion: Sendable, Equatable {
    case v311
    case v5
}

/// Last Will: published by the broker when the client's connection drops without a DISCONNECT.
public struct MQTTWill: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// TLS settings. With neither `caFile` nor `caPath` the operating system's trust store is used.
public struct MQTTTLS: Sendable, Equatable {
    public var caFile: String?
    public var caPath: String?
    public var certFile: String?
    public var keyFile: String?
    /// Accept a certificate whose name does not match the host. For test brokers only.
    public var insecureSkipHostnameCheck: Bool

    public init(caFile: String? = nil, caPath: String? = nil, certFile: String? = nil,
                keyFile: String? = nil, insecureSkipHostnameCheck: Bool = false) {
        self.caFile = caFile
        self.caPath = caPath
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipHostnameCheck = insecureSkipHostnameCheck
    }
}

/// Everything needed to reach a broker and keep a session there.
public struct MQTTConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var clientID: String
    /// `false` asks the broker to keep the session (subscriptions and queued QoS ≥ 1 messages)
    /// while the client is away. With MQTT 5 that also needs `sessionExpirySeconds > 0`.
    public var cleanSession: Bool
    public var protocolVersion: MQTTProtocolVersion
    public var username: String?
    public var password: String?
    public var tls: MQTTTLS?
    public var will: MQTTWill?
    public var keepAliveSeconds: Int
    /// Reconnect backoff in seconds: starts at the minimum, doubles per failed attempt up to the maximum.
    public var reconnectDelayMin: Int
    public var reconnectDelayMax: Int
    /// MQTT 5 Session Expiry Interval sent on CONNECT; 0 ends the session on disconnect.
    public var sessionExpirySeconds: UInt32
    /// Unacknowledged QoS ≥ 1 messages allowed in flight each way (1...65535).
    /// Small windows make throughput latency-bound, so the default is generous.
    public var maxInflight: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String,
        cleanSession: Bool = true,
        protocolVersion: MQTTProtocolVersion = .v311,
        username: String? = nil,
        password: String? = nil,
        tls: MQTTTLS? = nil,
        will: MQTTWill? = nil,
        keepAliveSeconds: Int = 30,
        reconnectDelayMin: Int = 1,
        reconnectDelayMax: Int = 30,
        sessionExpirySeconds: UInt32 = 7 * 24 * 3600,
        maxInflight: Int = 1000
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.protocolVersion = protocolVersion
        self.username = username
        self.password = password
        self.tls = tls
        self.will = will
        self.keepAliveSeconds = keepAliveSeconds
        self.reconnectDelayMin = reconnectDelayMin
        self.reconnectDelayMax = reconnectDelayMax
        self.sessionExpirySeconds = sessionExpirySeconds
        self.maxInflight = maxInflight
    }
}

extension MQTTConfiguration {
    /// Wait before the next connect attempt: the minimum after a connection the broker had
    /// accepted (`failures == 0`), doubling per failed attempt, capped at the maximum, never below 100 ms so
    /// a zero minimum cannot spin; then drawn from the upper half of that by `jitter` (0..<1; 1
    /// gives the whole delay). Clients cut off together (a broker node lost, a proxy shutting its
    /// sessions) so come back spread over the window, not in one wave that a loaded broker
    /// refuses again.
    public func reconnectDelay(afterFailures failures: Int, jitter: Double = 1) -> Duration {
        let minimum = reconnectDelayMin * 1000
        let maximum = max(reconnectDelayMax * 1000, 100)
        let doubled = min(max(minimum << min(max(failures - 1, 0), 16), 100), maximum)
        let spread = Double(doubled) / 2 * (1 + min(max(jitter, 0), 1))
        return .milliseconds(Int(spread.rounded()))
    }
}
