import CMosquitto

extension MQTTConfiguration {
    /// Rejects what libmosquitto would refuse later with a bare "invalid arguments".
    func validate() throws(MQTTError) {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(operation: "configure client '\(clientID)'", code: MQTTError.invalidInputCode, reason: why)
        }
        if host.isEmpty { throw invalid("host is empty") }
        if !(1...65535).contains(port) { throw invalid("port \(port) out of range 1...65535") }
        if clientID.isEmpty && !cleanSession { throw invalid("a persistent session needs a fixed client id") }
        if clientID.utf8.count > 65535 { throw invalid("client id longer than 65535 bytes") }
        if !(5...65535).contains(keepAliveSeconds) { throw invalid("keep-alive \(keepAliveSeconds) s out of range 5...65535") }
        if reconnectDelayMin < 0 || reconnectDelayMax < reconnectDelayMin {
            throw invalid("reconnect delays must satisfy 0 ≤ min (\(reconnectDelayMin)) ≤ max (\(reconnectDelayMax))")
        }
        if !(1...65535).contains(maxInflight) { throw invalid("maxInflight \(maxInflight) out of range 1...65535") }
        if password != nil && username == nil { throw invalid("a password needs a username") }
        if let will {
            if !(0...2).contains(will.qos) { throw invalid("Will QoS \(will.qos) is not 0, 1 or 2") }
            if will.topic.isEmpty || will.topic.contains("+") || will.topic.contains("#") {
                throw invalid("Will topic '\(will.topic)' must be a non-empty topic without wildcards")
            }
        }
    }
}

extension MQTTClient {
    /// Everything libmosquitto must know before the first CONNECT.
    func applyConfiguration() throws(MQTTError) {
        let mosq = handle.pointer
        let config = configuration
        // The network thread is ours, not loop_start's: threaded mode makes publish/subscribe
        // from other threads only queue packets and wake the loop, and keeps a PUBACK queued
        // until the message handler has returned.
        try check(mosquitto_threaded_set(mosq, true), "enable threaded mode")
        let version = config.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(version)), "set protocol version")
        // Send window for our QoS ≥ 1 publishes; receive window is what MQTT 5 brokers may have
        // unacknowledged towards us (3.1.1 brokers use their own max_inflight_messages).
        // Nagle's algorithm holds small packets back until the previous one is ACKed (up to
        // ~40 ms with delayed ACKs): alarms are small packets that must not wait.
        try check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1), "set TCP_NODELAY")
        try check(mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, Int32(config.maxInflight)), "set send maximum")
        try check(mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(config.maxInflight)), "set receive maximum")
        if let username = config.username {
            try check(mosquitto_username_pw_set(mosq, username, config.password), "set username and password")
        }
        if let will = config.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(mosq, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain)
            }
            try check(rc, "set Will on '\(will.topic)'")
        }
        if let tls = config.tls {
            try applyTLS(tls)
        }
    }

    private func applyTLS(_ tls: MQTTTLS) throws(MQTTError) {
        let mosq = handle.pointer
        if tls.caFile == nil && tls.caPath == nil {
            try check(mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "use the system's CA certificates")
            if tls.certFile != nil {
                throw MQTTError(operation: "configure TLS", code: MQTTError.invalidInputCode,
                                reason: "a client certificate needs caFile or caPath (libmosquitto requires one)")
            }
        } else {
            try check(mosquitto_tls_set(mosq, tls.caFile, tls.caPath, tls.certFile, tls.keyFile, nil),
                      "configure TLS (ca \(tls.caFile ?? tls.caPath ?? "-"), cert \(tls.certFile ?? "-"))")
        }
        if tls.insecureSkipHostnameCheck {
            try check(mosquitto_tls_insecure_set(mosq, true), "disable TLS hostname check")
        }
    }

    /// The CONNECT properties for MQTT 5. libmosquitto 2.0.11 copies them on the first
    /// `mosquitto_connect_bind_v5` (even one that fails) and re-sends them on every
    /// `mosquitto_reconnect`, so the session expiry survives automatic reconnects.
    func connectProperties() -> OpaquePointer? {
        guard configuration.protocolVersion == .v5 else { return nil }
        var properties: OpaquePointer?
        _ = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                                         configuration.sessionExpirySeconds)
        return properties
    }
}
