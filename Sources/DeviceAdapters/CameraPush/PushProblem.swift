/// Why a camera's HTTP push was refused. Raw values label `bk_camera_push_refused_total` and
/// fill the dead-letter table's `reason` (`brightkitchen rejects --reason bad_xml`); they extend
/// the MQTT reject reasons with what only HTTP pushes have.
public enum PushRefusal: String, Sendable, CaseIterable, Hashable {
    case badXML = "bad_xml"
    case badJSON = "bad_json"
    case badMultipart = "bad_multipart"
    case badBase64 = "bad_base64"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case payloadTooLarge = "payload_too_large"
    case notJPEG = "not_jpeg"
    /// Digest or path credentials wrong or missing (after the challenge), or a replayed nonce count.
    case unauthorized
    /// A GA/T 1400 device that notifies without having registered.
    case notRegistered = "not_registered"
}

/// A refused push, with a reason for machines and a message for people.
public struct PushProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: PushRefusal
    public let message: String

    public init(_ reason: PushRefusal, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
