import Foundation

/// What the gateway asks of a device on `bk/v1/<site>/<device>/cmd`.
public enum DeviceCommand: Hashable, Sendable {
    /// Re-publish buffered messages with seq >= `fromSeq` (of `boot`, when given), and, with
    /// `toSeq`, no further than that: a device that does not know `to_seq` sends up to its newest,
    /// which the gateway recognises as duplicates.
    case replay(fromSeq: Int64, boot: Int64?, toSeq: Int64? = nil)
    /// Re-send `birth`, keeping boot and seq.
    case rebirth
    /// A disinfection schedule, passed through as JSON fields.
    case schedule([String: String])

    public var name: String {
        switch self {
        case .replay: "replay"
        case .rebirth: "rebirth"
        case .schedule: "schedule"
        }
    }

    public func jsonBytes() -> [UInt8] {
        var object: [String: Any] = ["cmd": name]
        switch self {
        case .replay(let fromSeq, let boot, let toSeq):
            object["from_seq"] = fromSeq
            if let boot { object["boot"] = boot }
            if let toSeq { object["to_seq"] = toSeq }
        case .rebirth:
            break
        case .schedule(let fields):
            for (k, v) in fields where k != "cmd" { object[k] = v }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return [UInt8](data)
    }

    /// Parses a command as a device receives it; nil for anything it does not understand.
    public init?(json: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
              let name = object["cmd"] as? String
        else { return nil }
        switch name {
        case "replay":
            guard let from = (object["from_seq"] as? NSNumber)?.int64Value else { return nil }
            self = .replay(fromSeq: from, boot: (object["boot"] as? NSNumber)?.int64Value,
                           toSeq: (object["to_seq"] as? NSNumber)?.int64Value)
        case "rebirth":
            self = .rebirth
        case "schedule":
            var fields: [String: String] = [:]
            for (k, v) in object where k != "cmd" { fields[k] = "\(v)" }
            self = .schedule(fields)
        default:
            return nil
        }
    }
}
