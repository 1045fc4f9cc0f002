import Foundation
import KitchenModel

/// How a `Readings` value is laid out in the database: thermo values in their own
/// columns (the hot, high-volume case), every kind as tagged JSON for `last_reading`.
/// Shared by every backend, so that each stores (and `store copy` moves) the same text.
public enum ReadingCodec {
    public struct Columns: Sendable {
        public var t: Double?
        public var rh: Double?
        public var bat: Double?
        public var data: String?
    }

    public static func columns(_ readings: Readings) -> Columns {
        switch readings {
        case .thermo(let r):
            return Columns(t: r.celsius, rh: r.humidity, bat: r.battery, data: nil)
        default:
            return Columns(data: json(readings))
        }
    }

    /// Metrics that get hourly rollups.
    public static func rollupMetrics(_ readings: Readings) -> [(String, Double)] {
        switch readings {
        case .thermo(let r):
            var out: [(String, Double)] = []
            if let t = r.celsius { out.append(("t", t)) }
            if let rh = r.humidity { out.append(("rh", rh)) }
            return out
        case .disinfector(let d):
            return d.temperature.map { [("temp_c", $0)] } ?? []
        case .camera, .scale, .checker:
            return []
        }
    }

    private struct Tagged: Codable {
        var kind: DeviceKind
        var thermo: ThermoReading?
        var disinfector: DisinfectorStatus?
        var camera: CameraHealth?
        var scale: ScaleStatus?
        var checker: CheckerStatus?
    }

    public static func json(_ readings: Readings) -> String {
        if case .thermo(let r) = readings, let text = thermoJSON(r) { return text }
        var tagged = Tagged(kind: readings.kind)
        switch readings {
        case .thermo(let r): tagged.thermo = r
        case .disinfector(let r): tagged.disinfector = r
        case .camera(let r): tagged.camera = r
        case .scale(let r): tagged.scale = r
        case .checker(let r): tagged.checker = r
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(tagged) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The same document `JSONEncoder` makes for a thermometer (`ThermoReading`'s coding keys,
    /// sorted; nil values left out),
    /// written directly: a device snapshot carries one per batch and device, and the encoder cost
    /// about 45,000 instructions each (`bench-stages` under callgrind).
    /// Appended into one string with room reserved: the array of fields, the interpolations and
    /// `joined` cost about 9,500 instructions a snapshot (issue 13 item 8).
    static func thermoJSON(_ r: ThermoReading) -> String? {
        guard r.battery?.isFinite ?? true, r.humidity?.isFinite ?? true, r.celsius?.isFinite ?? true else { return nil }
        var text = #"{"kind":"thermo","thermo":{"#
        text.reserveCapacity(96)
        var separator = ""
        if let bat = r.battery {
            text += #""bat":"#
            text += bat.description
            separator = ","
        }
        if let rh = r.humidity {
            text += separator
            text += #""rh":"#
            text += rh.description
            separator = ","
        }
        if let t = r.celsius {
            text += separator
            text += #""t":"#
            text += t.description
        }
        text += "}}"
        return text
    }

    public static func decode(json: String) -> Readings? {
        guard let tagged = try? JSONDecoder().decode(Tagged.self, from: Data(json.utf8)) else { return nil }
        switch tagged.kind {
        // A 留样柜's telemetry is its fridge's thermometer reading.
        case .thermo, .sampler: return tagged.thermo.map(Readings.thermo)
        case .disinfector: return tagged.disinfector.map(Readings.disinfector)
        case .camera: return tagged.camera.map(Readings.camera)
        case .scale: return tagged.scale.map(Readings.scale)
        case .checker: return tagged.checker.map(Readings.checker)
        }
    }

    /// Rebuilds a reading from its row: thermo columns or the `data` JSON.
    public static func decode(kind: DeviceKind?, t: Double?, rh: Double?, bat: Double?, data: String?) -> Readings? {
        if let data { return decode(json: data) }
        guard t != nil || rh != nil || bat != nil else { return nil }
        return .thermo(ThermoReading(celsius: t, humidity: rh, battery: bat))
    }
}
