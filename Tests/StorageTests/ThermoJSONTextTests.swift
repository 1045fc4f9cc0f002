@testable import StorageModel
import KitchenModel
import Testing

/// `ReadingCodec.thermoJSON` is appended into one string (issue 13 item 8); it must write byte for
/// byte what the earlier field-array version wrote, and refuse the same values.
@Suite struct ThermoJSONTextTests {
    /// The earlier version, kept here as the reference.
    private func reference(_ r: ThermoReading) -> String? {
        var fields: [String] = []
        for (key, value) in [("bat", r.battery), ("rh", r.humidity), ("t", r.celsius)] {
            guard let value else { continue }
            guard value.isFinite else { return nil }
            fields.append("\"\(key)\":\(value)")
        }
        return #"{"kind":"thermo","thermo":{"# + fields.joined(separator: ",") + "}}"
    }

    @Test func writesWhatTheFieldArrayVersionWrote() {
        let values: [Double?] = [nil, 0, -0.0, 3.5, -18.25, 93, 100, 1e-5, 0.1 + 0.2, 123_456_789.125, -40,
                                 .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .nan]
        var compared = 0
        for t in values {
            for rh in values {
                for bat in values {
                    let reading = ThermoReading(celsius: t, humidity: rh, battery: bat)
                    #expect(ReadingCodec.thermoJSON(reading) == reference(reading), "\(reading)")
                    compared += 1
                }
            }
        }
        #expect(compared == values.count * values.count * values.count)
        // And through the public entry point, as a device snapshot stores it.
        #expect(ReadingCodec.json(.thermo(ThermoReading(celsius: 3.5, humidity: nil, battery: 93)))
            == #"{"kind":"thermo","thermo":{"bat":93.0,"t":3.5}}"#)
    }
}
