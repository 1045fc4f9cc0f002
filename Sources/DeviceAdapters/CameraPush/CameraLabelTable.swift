import KitchenModel

/// Vendor event codes → DOMAIN.md labels, per protocol, with a registry device's `labels:` laid
/// over the defaults. Intrusion-type events map to `person`: the violation rules make a person
/// outside operating hours an `intrusion` (class 1) and ignore one during service.
public enum CameraLabelTable {
    public enum Lookup: Hashable, Sendable {
        case label(String)
        /// Configured to `""`: a known type the site does not want reported.
        case dropped
        /// Not in the table: counted as unmapped (`brightkitchen devices unmapped`), never silently lost.
        case unknown
    }

    /// Every canonical label maps to itself, so a camera whose rule names are set to ours works as is.
    static let canonical: [String: String] = Dictionary(uniqueKeysWithValues: [
        "rodent", "pest", "intrusion", "person", "smoking", "bin_open", "phone", "no_hat", "no_mask", "no_uniform", "no_gloves",
    ].map { ($0, $0) })

    /// Hikvision ISAPI `eventType`s. The perimeter events are in every firmware; the kitchen
    /// classes are the names Hikvision's kitchen-hygiene and PPE firmware use; a camera with other
    /// names shows them in `devices unmapped`, and `labels:` in the registry maps them.
    public static let isapiDefaults: [String: String] = canonical.merging([
        "fielddetection": "person", "linedetection": "person", "regionEntrance": "person", "regionExiting": "person",
        "intrusion": "person", "loitering": "person",
        "safetyHelmetDetection": "no_hat", "chefHatDetection": "no_hat", "hatDetection": "no_hat",
        "maskDetection": "no_mask", "faceMaskDetection": "no_mask",
        "smokingDetection": "smoking", "smokeDetection": "smoking",
        "playCellphone": "phone", "cellphoneDetection": "phone", "phoneDetection": "phone",
        "workClothesDetection": "no_uniform", "uniformDetection": "no_uniform",
        "glovesDetection": "no_gloves",
        "trashCanDetection": "bin_open", "garbageCanDetection": "bin_open",
        "mouseDetection": "rodent", "ratDetection": "rodent", "rodentDetection": "rodent",
    ]) { _, vendor in vendor }

    /// GA/T 1400 `EventSort` codes: the kitchen extensions vendors of 明厨亮灶 platforms use
    /// (DOMAIN.md); the standard's own event codes carry no kitchen meaning and are mapped per
    /// site with `labels:` when wanted.
    public static let gat1400Defaults: [String: String] = [
        "605": "no_hat", "606": "no_mask", "607": "smoking", "608": "no_gloves", "609": "no_uniform",
        "612": "bin_open", "614": "rodent", "638": "phone",
    ]

    public static func lookup(_ type: String, family: DeviceSource.Family, account: CameraPushAccount?) -> Lookup {
        let configured = account?.labels[type]
        let defaults = family == .gat1400 ? gat1400Defaults : isapiDefaults
        guard let label = configured ?? defaults[type] else { return .unknown }
        return label.isEmpty ? .dropped : .label(label)
    }
}
