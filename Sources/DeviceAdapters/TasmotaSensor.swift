import DeviceIngest
import KitchenModel

/// Picks the sensor object of a Tasmota SENSOR payload that feeds one registry device and
/// reads it as a thermometer/hygrometer in °C.
enum TasmotaSensor {
    /// Objects that carry a `Temperature` without being a food-safety sensor: the ESP32's own
    /// chip temperature, and the energy meter.
    static let notSensors: Set<String> = ["ESP32", "ENERGY"]

    static func reading(_ fields: JSONFields, selection: DeviceSource.SensorSelection?) throws(Rejection) -> ThermoReading {
        let unit = try temperatureUnit(fields)
        let (name, sensor) = try select(fields, selection)
        var celsius: Double?
        if let raw = try sensor.number("Temperature", in: -1_000...1_000) {
            celsius = try toCelsius(raw, unit: unit, field: sensor.name("Temperature"))
        }
        let humidity = try sensor.number("Humidity", in: ProtocolRanges.percent)
        guard celsius != nil || humidity != nil else {
            throw Rejection(.missingField, "sensor '\(name)' has no Temperature or Humidity reading (null means the sensor "
                + "failed to read)")
        }
        return ThermoReading(celsius: celsius, humidity: humidity)
    }

    /// `TempUnit` follows `SetOption8`; firmware always sends it with a temperature, and °C is
    /// Tasmota's default when it is absent.
    private static func temperatureUnit(_ fields: JSONFields) throws(Rejection) -> UnicodeScalar {
        switch try fields.string("TempUnit") {
        case nil, "C"?: return "C"
        case "F"?: return "F"
        case let other?: throw Rejection(.outOfRange, "field 'TempUnit' must be \"C\" or \"F\", got \(FieldReader.quote(other))")
        }
    }

    private static func toCelsius(_ value: Double, unit: UnicodeScalar, field: String) throws(Rejection) -> Double {
        // Rounded to 0.01 °C: a converted °F reading has no more precision than that.
        let celsius = unit == "F" ? ((value - 32) * 5 / 9 * 100).rounded() / 100 : value
        guard ProtocolRanges.thermoCelsius.contains(celsius) else {
            throw Rejection(.outOfRange, "field '\(field)' is \(FieldReader.format(celsius)) °C; it must be between "
                + "\(FieldReader.format(ProtocolRanges.thermoCelsius.lowerBound)) and "
                + "\(FieldReader.format(ProtocolRanges.thermoCelsius.upperBound))")
        }
        return celsius
    }

    private static func select(_ fields: JSONFields,
                               _ selection: DeviceSource.SensorSelection?) throws(Rejection) -> (String, JSONFields) {
        switch selection {
        case .key(let key)?:
            guard let sensor = try fields.object(key) else {
                throw Rejection(.missingField, "SENSOR has no '\(key)'; it has \(describe(try candidates(fields)))")
            }
            return (key, sensor)
        case .probe(let rom)?:
            for (name, sensor) in try candidates(fields) where (try sensor.string("Id"))?.uppercased() == rom {
                return (name, sensor)
            }
            throw Rejection(.missingField, "SENSOR has no DS18x20 probe with Id \(rom); it has \(describe(try candidates(fields)))")
        case nil:
            let found = try candidates(fields)
            guard found.count == 1, let only = found.first else {
                if found.isEmpty { throw Rejection(.missingField, "SENSOR has no temperature or humidity sensor") }
                throw Rejection(.outOfRange, "SENSOR has several sensors (\(describe(found))); bind the device with "
                    + "sensor: or probe: to pick one")
            }
            return only
        }
    }

    /// Every object member with a `Temperature` or `Humidity` field, in payload order.
    private static func candidates(_ fields: JSONFields) throws(Rejection) -> [(String, JSONFields)] {
        var found: [(String, JSONFields)] = []
        for (key, value) in fields.members where !notSensors.contains(key) {
            guard case .object = value else { continue }
            let sensor = try fields.object(key, value)
            // `value` sees null too, so a sensor that failed to read is still listed.
            if sensor.object.members.contains(where: { ["Temperature", "Humidity"].contains(sensor.object.keyString($0)) }) {
                found.append((key, sensor))
            }
        }
        return found
    }

    private static func describe(_ found: [(String, JSONFields)]) -> String {
        guard !found.isEmpty else { return "no temperature or humidity sensor" }
        return found.map { name, sensor in
            ((try? sensor.string("Id")) ?? nil).map { "\(name) (Id \($0))" } ?? name
        }.joined(separator: ", ")
    }
}
