import CMosquitto
import Foundation

// Why our own loop rather than mosquitto_loop_start: libmosquitto's loop_forever returns for
// good on "fatal" errors (TLS, protocol, EPROTO), which would leave a gateway silently offline
// after one bad handshake. This loop retries every failure with backoff until stop().

extension MQTTClient {
    func runNetworkLoop() {
        state.withLock { $0.networkThread = pthread_self() }
        defer { loopExited.signal() }
        var endpointStored = false
        var failures = 0
        while !isStopRequested {
            let acceptedBefore = connectionCount
            let rc = endpointStored ? mosquitto_reconnect(handle.pointer) : firstConnect()
            // Past argument checks, the first connect has stored host, port and the MQTT 5
            // properties inside libmosquitto, whether or not the broker was reachable.
            if rc != MosquittoCode.invalid { endpointStored = true }
            if rc == MosquittoCode.success {
                serviceConnection()
            } else {
                let error = MQTTError(operation: "connect to \(configuration.host):\(configuration.port)", mosquittoCode: rc)
                let repeated = recordConnectFailure(error)
                logger.log(level: repeated ? .debug : .warning, "MQTT connect failed",
                           metadata: ["error": .string(error.reason), "attempt": "\(failures + 1)"])
            }
            if isStopRequested { break }
            failures = connectionCount > acceptedBefore ? 0 : failures + 1
            let delay = configuration.reconnectDelay(afterFailures: failures, jitter: Double.random(in: 0..<1))
            _ = stopSignal.wait(timeout: .now() + .milliseconds(Int(delay / .milliseconds(1))))
        }
        logger.debug("MQTT network thread ended")
    }

    var isStopRequested: Bool {
        state.withLock { $0.stopRequested }
    }

    /// The first attempt goes through `mosquitto_connect_bind_v5` so libmosquitto keeps the
    /// CONNECT properties; later ones use `mosquitto_reconnect`, which reuses them and, unlike a
    /// second connect call, does not recreate the wake-up socket pair other threads write to.
    private func firstConnect() -> Int32 {
        var properties = connectProperties()
        defer { mosquitto_property_free_all(&properties) }
        return mosquitto_connect_bind_v5(handle.pointer, configuration.host, Int32(configuration.port),
                                         Int32(configuration.keepAliveSeconds), nil, properties)
    }

    /// Reads, writes and pings until the connection ends, or until a requested clean disconnect
    /// has gone out (or had 2 s to).
    private func serviceConnection() {
        var disconnectDeadline: ContinuousClock.Instant?
        while true {
            if disconnectDeadline == nil, isStopRequested {
                // stop() may have raced a connect in progress; say DISCONNECT on this connection too.
                _ = mosquitto_disconnect(handle.pointer)
                disconnectDeadline = .now + .seconds(2)
            }
            let rc = mosquitto_loop(handle.pointer, 100, 1)
            if rc != MosquittoCode.success { return }
            retryRefusedSubscriptions()
            if let deadline = disconnectDeadline, ContinuousClock.now > deadline { return }
        }
    }

    /// Closes the socket under the client without a DISCONNECT, as a network failure would:
    /// the broker publishes the Will and the client reconnects by itself. For failure tests.
    public func dropConnection() {
        let socket = mosquitto_socket(handle.pointer)
        if socket >= 0 {
            _ = shutdown(socket, Int32(SHUT_RDWR))
        }
    }
}
