/// Why an inbound message was refused. Raw values are stable: they label metrics
/// and fill the dead-letter table.
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    case badTopic = "bad_topic"
    case unknownChannel = "unknown_channel"
    case unknownSite = "unknown_site"
    case unknownDevice = "unknown_device"
    case kindMismatch = "kind_mismatch"
    case payloadTooLarge = "payload_too_large"
    case badJSON = "bad_json"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case outOfRange = "out_of_range"
    case clockSkew = "clock_skew"
    case notJPEG = "not_jpeg"
    /// A well-formed device event the kitchen ledgers refused (a 晨检仪's check of an unknown worker).
    case ledgerRefused = "ledger_refused"
}

/// A refused message, with a reason for machines and a message for people.
public struct Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: RejectReason
    public var message: String

    public init(_ reason: RejectReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
