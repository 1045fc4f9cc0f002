import Foundation
import KitchenModel

/// Event bodies as stored in the `event` table's `data` column.
enum EventJSON {
    static func encode(_ body: EventBody) -> String {
        switch body {
        case .run(let run): encode(run)
        case .detection(let detection): encode(detection)
        case .check(let check): encode(check)
        case .sample(let sample): encode(sample)
        case .door(let door): encode(door)
        }
    }

    /// Keys in declaration order, not sorted: Foundation sorts keys with locale-aware (ICU)
    /// comparison, which cost more than the rest of a weighing's path.
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
