import Foundation
import KitchenModel

/// Event bodies as stored in the `event` table's `data` column.
enum EventJSON {
    static func encode(_ body: EventBody) -> String {
        switch body {
        case .run(let run): encode(run)
        case .detection(let detection): encode(detection)
        }
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
