import DeviceIngest
import KitchenModel

/// The one-word payloads third-party availability topics carry: Tasmota's LWT `Online` /
/// `Offline`, zigbee2mqtt's legacy `online` / `offline`, Frigate's `online` / `offline`,
/// Shelly's `true` / `false`.
enum PlainTextPayload {
    /// Longer payloads cannot be one of the words; refusing them early keeps the quote short.
    static let maxLength = 32

    /// Compares ASCII case-insensitively: Tasmota capitalises, the others do not.
    static func word(_ payload: UnsafeRawBufferPointer, among words: [String: Bool]) throws(Rejection) -> Bool {
        let expected = words.keys.sorted().map { "'\($0)'" }.joined(separator: " or ")
        guard payload.count <= maxLength else {
            throw Rejection(.outOfRange, "payload must be \(expected), got \(payload.count) bytes")
        }
        let text = String(decoding: payload, as: UTF8.self)
        for (word, meaning) in words where word.lowercased() == text.lowercased() { return meaning }
        throw Rejection(.outOfRange, "payload must be \(expected), got \(FieldReader.quote(text))")
    }

    static let onlineOffline = ["online": true, "offline": false]
    static let trueFalse = ["true": true, "false": false]

    /// Whether the payload looks like a JSON object rather than a bare word.
    static func isJSONObject(_ payload: UnsafeRawBufferPointer) -> Bool {
        for byte in payload {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default: return byte == 0x7B
            }
        }
        return false
    }
}
