/// How a 晨检仪 recognised the worker it checked.
public enum CheckIdentification: String, Hashable, Sendable, Codable, CaseIterable {
    case card, face
}

/// A 晨检仪's `check` event: one worker's morning check, made at the event's `ts`. The device
/// maps the card number or face it read to the worker id of the site's staff (docs/ledgers.md).
public struct MorningCheckEvent: Hashable, Sendable, Codable {
    /// Symptoms DOMAIN.md lists (发热, 腹泻, 呕吐, 咽部炎症, 皮肤伤口或感染); the ledger's list too.
    public static let knownSymptoms = ["fever", "diarrhoea", "vomiting", "sore-throat", "skin-wound"]

    public var worker: String
    public var via: CheckIdentification
    /// Forehead temperature, °C.
    public var temperatureC: Double
    /// Hands checked by the camera: clean, no wounds, no jewellery, short nails.
    public var handsOK: Bool
    /// Work clothes and hat worn.
    public var uniformOK: Bool
    /// Symptoms the worker declared at the terminal, from the ledger's list.
    public var symptoms: [String]

    public init(worker: String, via: CheckIdentification, temperatureC: Double, handsOK: Bool, uniformOK: Bool,
                symptoms: [String] = []) {
        self.worker = worker
        self.via = via
        self.temperatureC = temperatureC
        self.handsOK = handsOK
        self.uniformOK = uniformOK
        self.symptoms = symptoms
    }

    enum CodingKeys: String, CodingKey {
        case worker, via, temperatureC = "temp_c", handsOK = "hands_ok", uniformOK = "uniform_ok", symptoms
    }
}
