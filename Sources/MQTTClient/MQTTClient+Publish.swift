import CMosquitto

extension MQTTClient {
    /// Queues a message; thread-safe. Returns the message id.
    ///
    /// QoS 0 needs a connection and throws without one. QoS 1 and 2 are kept by libmosquitto
    /// while disconnected and sent after the next connect (lost if this process ends first).
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool = false) throws -> Int {
        guard (0...2).contains(qos) else {
            throw MQTTError(operation: "publish to '\(topic)'", code: MQTTError.invalidInputCode,
                            reason: "QoS \(qos) is not 0, 1 or 2")
        }
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle.pointer, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
        }
        // libmosquitto 2.0.11 answers NO_CONN for a QoS ≥ 1 publish while disconnected but has
        // already queued it and sends it after the next CONNACK; reporting that as a failure
        // would make callers publish it twice.
        if rc == MosquittoCode.noConnection && qos > 0 {
            return Int(mid)
        }
        try check(rc, "publish to '\(topic)' (QoS \(qos), \(payload.count) bytes)")
        return Int(mid)
    }

    /// Subscribes now if connected, and again after every reconnect. Subscribing to the same
    /// filter again replaces its QoS.
    public func subscribe(_ filter: String, qos: Int) throws {
        let operation = "subscribe to '\(filter)'"
        guard (0...2).contains(qos) else {
            throw MQTTError(operation: operation, code: MQTTError.invalidInputCode, reason: "QoS \(qos) is not 0, 1 or 2")
        }
        guard mosquitto_sub_topic_check(filter) == MosquittoCode.success else {
            throw MQTTError(operation: operation, code: MosquittoCode.invalid,
                            reason: "not a valid topic filter ('#' must be last, '+' a whole level)")
        }
        // Recording and reading isConnected under one lock means either this call or the next
        // on_connect sends the SUBSCRIBE (possibly both, which brokers treat as a no-op).
        let connected = state.withLock { state -> Bool in
            if let index = state.subscriptions.firstIndex(where: { $0.filter == filter }) {
                state.subscriptions[index].qos = qos
            } else {
                state.subscriptions.append((filter, qos))
            }
            return state.isConnected
        }
        guard connected else { return }
        let rc = sendSubscribe(filter, qos: qos)
        if rc != MosquittoCode.noConnection {
            try check(rc, operation)
        }
    }

    /// Forgets a filter and unsubscribes if connected.
    public func unsubscribe(_ filter: String) throws {
        let connected = state.withLock { state -> Bool in
            state.subscriptions.removeAll { $0.filter == filter }
            return state.isConnected
        }
        guard connected else { return }
        let rc = mosquitto_unsubscribe(handle.pointer, nil, filter)
        if rc != MosquittoCode.noConnection {
            try check(rc, "unsubscribe from '\(filter)'")
        }
    }

    /// Sends SUBSCRIBE for every remembered filter; runs on the network thread after CONNACK.
    func resubscribeAll(_ subscriptions: [(filter: String, qos: Int)]) {
        forgetSubscribeRetries()
        for subscription in subscriptions {
            let rc = sendSubscribe(subscription.filter, qos: subscription.qos)
            if rc != MosquittoCode.success {
                logger.error("MQTT re-subscribe failed", metadata: [
                    "filter": .string(subscription.filter),
                    "error": .string(String(cString: mosquitto_strerror(rc))),
                ])
            }
        }
    }
}
