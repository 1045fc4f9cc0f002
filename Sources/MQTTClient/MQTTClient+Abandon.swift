import CMosquitto
import Foundation

extension MQTTClient {
    /// Cuts the connection for good: no DISCONNECT, nothing more written (the socket is shut
    /// both ways), never reconnected. Callable on the network thread, from inside a message handler:
    /// the PUBACK libmosquitto writes after the handler returns then goes nowhere, so the broker
    /// keeps the message for whoever resumes the session. For a shard owner that lost its lease
    /// (docs/scale-out.md): nothing it did not store may be acknowledged, and it must not win the
    /// session back from the new owner by reconnecting.
    public func abandonConnection() {
        state.withLock { $0.stopRequested = true }
        stopSignal.signal()
        dropConnection()
    }
}
