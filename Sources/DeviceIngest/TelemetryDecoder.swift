import KitchenModel

/// `telemetry`: the readings of one sample, shaped by the kind the registry holds for the device.
enum TelemetryDecoder {
    static func decode(_ fields: FieldReader, kind: DeviceKind) throws(Rejection) -> Readings {
        switch kind {
        case .thermo: .thermo(try thermo(fields))
        // A 留样柜 reports its fridge like any thermometer: `t`, `rh`, `bat`.
        case .sampler: .thermo(try thermo(fields))
        case .disinfector: .disinfector(try disinfector(fields))
        case .camera: .camera(try camera(fields))
        case .scale: .scale(try scale(fields))
        case .checker: .checker(CheckerStatus(checksToday: try fields.optionalInt("checks_today", in: 0...100_000)))
        }
    }

    static func thermo(_ fields: FieldReader) throws(Rejection) -> ThermoReading {
        let celsius = try fields.optionalNumber("t", in: ProtocolRanges.thermoCelsius)
        let humidity = try fields.optionalNumber("rh", in: ProtocolRanges.percent)
        let battery = try fields.optionalNumber("bat", in: ProtocolRanges.percent)
        guard celsius != nil || humidity != nil else {
            throw Rejection(.missingField, "thermo telemetry needs field 't' or 'rh' (or both)")
        }
        return ThermoReading(celsius: celsius, humidity: humidity, battery: battery)
    }

    static func disinfector(_ fields: FieldReader) throws(Rejection) -> DisinfectorStatus {
        let state = try fields.choice("state", DisinfectorState.self)
        let temperature = try fields.optionalNumber("temp_c", in: ProtocolRanges.disinfectorCelsius)
        let irradiance = try fields.optionalNumber("uv_uwcm2", in: ProtocolRanges.irradiance)
        let lampHours = try fields.optionalNumber("lamp_h", in: ProtocolRanges.lampHours)
        // An empty fault code is how simple firmware says "no fault".
        let fault = try fields.optionalString("fault", .faultCode).flatMap { $0.isEmpty ? nil : $0 }
        return DisinfectorStatus(state: state, temperature: temperature, irradiance: irradiance,
                                 lampHours: lampHours, faultCode: fault)
    }

    /// Besides `fps`, a camera may report any numeric or boolean health field (`storage_ok`,
    /// `ir_on`, `temp_c`); they are kept as numbers (true = 1) under names of a-z 0-9 _.
    static func camera(_ fields: FieldReader) throws(Rejection) -> CameraHealth {
        let fps = try fields.number("fps", in: ProtocolRanges.fps)
        var extras: [String: Double] = [:]
        let object = fields.object
        for member in object.members where extras.count < ProtocolRanges.maxCameraExtras {
            let value: Double
            switch member.value {
            case .number(let n): value = n.double
            case .bool(let b): value = b ? 1 : 0
            default: continue   // other types are unknown fields, ignored for forward compatibility
            }
            let name = object.keyString(member)
            guard !["seq", "ts", "boot", "fps"].contains(name), TextRule.label.accepts(name) else { continue }
            extras[name] = value
        }
        return CameraHealth(fps: fps, extras: extras)
    }

    static func scale(_ fields: FieldReader) throws(Rejection) -> ScaleStatus {
        ScaleStatus(calibratedAt: try fields.optionalInt("calibrated_at", in: ProtocolRanges.counter))
    }
}
