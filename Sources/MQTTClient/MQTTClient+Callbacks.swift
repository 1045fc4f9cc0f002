import CMosquitto
import Logging

// libmosquitto calls plain C function pointers, so these closures capture nothing and find
// their client through the userdata pointer set in `MQTTClient.init`.

private func client(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient? {
    userdata.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
}

extension MQTTClient {
    func installCallbacks() {
        let mosq = handle.pointer
        mosquitto_connect_v5_callback_set(mosq) { _, userdata, code, flags, _ in
            client(userdata)?.handleConnack(code: code, flags: flags)
        }
        mosquitto_disconnect_callback_set(mosq) { _, userdata, code in
            client(userdata)?.handleDisconnect(code: code)
        }
        mosquitto_message_callback_set(mosq) { _, userdata, message in
            guard let message else { return }
            client(userdata)?.handleMessage(message.pointee)
        }
        mosquitto_subscribe_callback_set(mosq) { _, userdata, mid, count, grantedQoS in
            guard let grantedQoS else { return }
            // 0x80 in a SUBACK is the broker refusing that filter (an ACL, or NATS unable to create
            // the consumer just now); each SUBSCRIBE carries one filter, retried if refused.
            let refused = (0..<Int(count)).contains { grantedQoS[$0] >= 0x80 }
            client(userdata)?.handleSuback(mid: mid, refused: refused)
        }
        // libmosquitto formats every debug line when a log callback is set, which costs real
        // time per message at ingest rates, so forward its log only when someone will read it.
        if logger.logLevel <= .debug {
            mosquitto_log_callback_set(mosq) { _, userdata, level, text in
                guard let text, let client = client(userdata) else { return }
                client.logger.log(level: Logger.Level(mosquittoLogLevel: level), "libmosquitto: \(String(cString: text))")
            }
        }
    }

    func handleConnack(code: Int32, flags: Int32) {
        let endpoint = "\(configuration.host):\(configuration.port)"
        guard code == 0 else {
            let reason = configuration.protocolVersion == .v5
                ? String(cString: mosquitto_reason_string(code))
                : String(cString: mosquitto_connack_string(code))
            let error = MQTTError(operation: "connect to \(endpoint) as '\(configuration.clientID)'",
                                  code: code, reason: reason, isBrokerRefusal: true)
            let repeated = recordConnectFailure(error)
            logger.log(level: repeated ? .debug : .error, "MQTT connection refused",
                       metadata: ["broker": .string(endpoint), "reason": .string(reason)])
            return
        }
        let (subscriptions, handler) = state.withLock { state in
            state.isConnected = true
            state.acceptedConnections += 1
            state.lastError = nil
            return (state.subscriptions, state.connectionHandler)
        }
        logger.info("MQTT connected", metadata: [
            "broker": .string(endpoint),
            "sessionPresent": .stringConvertible(flags & 1 == 1),
        ])
        resubscribeAll(subscriptions)
        handler?(true)
    }

    /// Stores the failure; true when it repeats the previous one, so retries log quietly.
    func recordConnectFailure(_ error: MQTTError) -> Bool {
        state.withLock { state in
            defer { state.lastError = error }
            return state.lastError == error
        }
    }

    func handleDisconnect(code: Int32) {
        let (wasConnected, stopping, handler) = state.withLock { state in
            defer { state.isConnected = false }
            return (state.isConnected, state.stopRequested, state.connectionHandler)
        }
        guard wasConnected else { return }
        if code == 0 || stopping {
            logger.info("MQTT disconnected")
        } else {
            // Codes ≥ 0x80 are MQTT 5 reasons from a broker DISCONNECT; below, libmosquitto errors.
            let reason = code >= 0x80 ? String(cString: mosquitto_reason_string(code))
                                      : String(cString: mosquitto_strerror(code))
            logger.warning("MQTT connection lost", metadata: ["reason": .string(reason), "code": "\(code)"])
        }
        handler?(false)
    }

    func handleMessage(_ raw: mosquitto_message) {
        guard let topic = raw.topic, let handler = state.withLock({ $0.messageHandler }) else { return }
        let count = Int(raw.payloadlen)
        let payload: [UInt8] = count > 0 && raw.payload != nil
            ? Array(UnsafeRawBufferPointer(start: raw.payload, count: count))
            : []
        handler(MQTTMessage(topic: String(cString: topic), payload: payload, qos: Int(raw.qos), retain: raw.retain))
    }
}

extension Logger.Level {
    init(mosquittoLogLevel level: Int32) {
        switch level {
        case MOSQ_LOG_ERR: self = .error
        case MOSQ_LOG_WARNING: self = .warning
        case MOSQ_LOG_NOTICE: self = .notice
        case MOSQ_LOG_INFO: self = .info
        default: self = .trace
        }
    }
}
