/// Numeric limits of protocol v1 shared by several payloads.
///
/// These are what the wire format can carry, not food-safety limits: a DS18B20 reading 85.0 or
/// -127 °C is accepted here and flagged later by the rules as a sensor fault.
package enum ProtocolRanges {
    /// `seq`, `ts`, `boot` and other counters: non-negative and exact in a double (2^53).
    static let counter: ClosedRange<Int64> = 0...FieldReader.maxSafeInteger
    static let intervalSeconds: ClosedRange<Int64> = 1...86_400
    /// Replay buffer size a device may announce in `birth`.
    static let replayBuffer: ClosedRange<Int64> = 0...1_000_000
    package static let percent: ClosedRange<Double> = 0...100
    package static let thermoCelsius: ClosedRange<Double> = -200...500
    static let disinfectorCelsius: ClosedRange<Double> = -50...500
    static let irradiance: ClosedRange<Double> = 0...100_000
    static let lampHours: ClosedRange<Double> = 0...1_000_000
    static let fps: ClosedRange<Double> = 0...240
    static let holdSeconds: ClosedRange<Double> = 0...86_400
    static let maxRunMillis: Int64 = 86_400_000
    package static let unitInterval: ClosedRange<Double> = 0...1
    /// Boxes may overshoot the frame by rounding error only.
    static let boxEdgeTolerance = 1.0001
    static let grams: ClosedRange<Int64> = 1...1_000_000
    static let unitPriceFen: ClosedRange<Int64> = 0...100_000_000
    /// Camera health fields kept beyond `fps`; more are ignored like any unknown field.
    static let maxCameraExtras = 32
    /// A forehead thermometer's measuring range; the ledger then refuses what is not a body temperature.
    static let foreheadCelsius: ClosedRange<Double> = 20...50
    /// Symptoms one check may list: each known one at most once.
    static let maxSymptoms = 5
    /// What a 留样柜's scale weighs, g: negative is refused here; under 125 g is the ledger's finding.
    static let sampleGrams: ClosedRange<Double> = 0...5_000
    /// Boxes one door opening may take out.
    static let maxBoxesPerDoor = 64
}
