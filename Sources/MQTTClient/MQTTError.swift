import CMosquitto

/// A failure from libmosquitto, the broker, or our own input checks: what we were doing,
/// the numeric code, and the library's or broker's words for it.
public struct MQTTError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was being attempted, e.g. "publish to 'site/1/temp'" or "connect to 127.0.0.1:1883".
    public let operation: String
    /// A `MOSQ_ERR_*` value, a CONNACK / MQTT 5 reason code (see `isBrokerRefusal`), or
    /// `invalidInputCode` for input we rejected before calling the library.
    public let code: Int32
    public let reason: String

    /// The broker answered CONNECT with a refusal; `code` is then its CONNACK or MQTT 5 reason code.
    public let isBrokerRefusal: Bool

    public static let invalidInputCode: Int32 = -1

    public init(operation: String, code: Int32, reason: String, isBrokerRefusal: Bool = false) {
        self.operation = operation
        self.code = code
        self.reason = reason
        self.isBrokerRefusal = isBrokerRefusal
    }

    /// Wraps a `MOSQ_ERR_*` return value. Call right after the failing call: for
    /// `MOSQ_ERR_ERRNO` the text comes from the thread's current `errno`.
    init(operation: String, mosquittoCode: Int32) {
        self.init(operation: operation, code: mosquittoCode,
                  reason: String(cString: mosquitto_strerror(mosquittoCode)))
    }

    public var description: String {
        let kind = isBrokerRefusal ? "broker refused" : (code == Self.invalidInputCode ? "invalid input" : "mosquitto error \(code)")
        return "MQTT \(operation) failed: \(reason) (\(kind)\(isBrokerRefusal ? ", reason code \(code)" : ""))"
    }
}

/// Throws unless `rc` is `MOSQ_ERR_SUCCESS`.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(MQTTError) {
    if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
        throw MQTTError(operation: operation(), mosquittoCode: rc)
    }
}
