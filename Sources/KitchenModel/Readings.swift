/// What a thermometer/hygrometer reports. At least one of `celsius`, `humidity` is set.
public struct ThermoReading: Hashable, Sendable, Codable {
    public var celsius: Double?
    public var humidity: Double?
    public var battery: Double?

    public init(celsius: Double? = nil, humidity: Double? = nil, battery: Double? = nil) {
        self.celsius = celsius
        self.humidity = humidity
        self.battery = battery
    }

    enum CodingKeys: String, CodingKey {
        case celsius = "t", humidity = "rh", battery = "bat"
    }
}

public enum DisinfectorState: String, Hashable, Sendable, Codable, CaseIterable {
    case idle, running, fault
}

public struct DisinfectorStatus: Hashable, Sendable, Codable {
    public var state: DisinfectorState
    public var temperature: Double?
    /// UV irradiance in µW/cm² at 1 m.
    public var irradiance: Double?
    public var lampHours: Double?
    public var faultCode: String?

    public init(state: DisinfectorState, temperature: Double? = nil, irradiance: Double? = nil,
                lampHours: Double? = nil, faultCode: String? = nil) {
        self.state = state
        self.temperature = temperature
        self.irradiance = irradiance
        self.lampHours = lampHours
        self.faultCode = faultCode
    }

    enum CodingKeys: String, CodingKey {
        case state, temperature = "temp_c", irradiance = "uv_uwcm2", lampHours = "lamp_h", faultCode = "fault"
    }
}

public struct CameraHealth: Hashable, Sendable, Codable {
    public var fps: Double?
    /// Optional on-board health fields (e.g. `storage_ok`, `ir_on`), kept as reported.
    public var extras: [String: Double]

    public init(fps: Double? = nil, extras: [String: Double] = [:]) {
        self.fps = fps
        self.extras = extras
    }
}

public struct ScaleStatus: Hashable, Sendable, Codable {
    public var calibratedAt: EpochMillis?

    public init(calibratedAt: EpochMillis? = nil) { self.calibratedAt = calibratedAt }

    enum CodingKeys: String, CodingKey { case calibratedAt = "calibrated_at" }
}

/// A 晨检仪's health: how many checks it made today (its own count, for comparing with the ledger).
public struct CheckerStatus: Hashable, Sendable, Codable {
    public var checksToday: Int64?

    public init(checksToday: Int64? = nil) { self.checksToday = checksToday }

    enum CodingKeys: String, CodingKey { case checksToday = "checks_today" }
}

/// One telemetry sample, shaped by the device's kind.
public enum Readings: Hashable, Sendable {
    case thermo(ThermoReading)
    case disinfector(DisinfectorStatus)
    case camera(CameraHealth)
    case scale(ScaleStatus)
    case checker(CheckerStatus)

    public var kind: DeviceKind {
        switch self {
        case .thermo: .thermo
        case .disinfector: .disinfector
        case .camera: .camera
        case .scale: .scale
        case .checker: .checker
        }
    }
}
