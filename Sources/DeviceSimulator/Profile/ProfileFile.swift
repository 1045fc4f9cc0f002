import Yams

// The YAML as written, before validation. Every field is optional so that a missing one is
// reported by name with its place in the file, instead of as a bare DecodingError.

struct RawSite: Decodable {
    var id: String?
    var name: String?
    var kind: String?
    var region: String?
    var hours: String?
    var timezone: String?

    static let keys: Set<String> = ["id", "name", "kind", "region", "hours", "timezone"]
}

struct RawDetection: Decodable {
    var label: String?
    var per_h: Double?
    var when: String?
    var score: [Double]?

    static let keys: Set<String> = ["label", "per_h", "when", "score"]
}

struct RawCheckedWorker: Decodable {
    var id: String?
    var name: String?
    var role: String?
    var cert_no: String?
    var cert_expiry: String?
    var temp_c: Double?
    var symptoms: [String]?

    static let keys: Set<String> = ["id", "name", "role", "cert_no", "cert_expiry", "temp_c", "symptoms"]
}

struct RawSampledMeal: Decodable {
    var meal: String?
    var ends: String?
    var dishes: [RawSampledDish]?

    static let keys: Set<String> = ["meal", "ends", "dishes"]
}

struct RawSampledDish: Decodable {
    var dish: String?
    var grams: Double?
}

struct RawItem: Decodable {
    var plu: String?
    var name: String?
    var unit_price_fen: Int?
    var grams: [Int]?
    var batch: String?

    static let keys: Set<String> = ["plu", "name", "unit_price_fen", "grams", "batch"]
}

struct RawDevice: Decodable {
    var id: String?
    var kind: String?
    var zone: String?
    var interval_s: Int?
    var model: String?
    var fw: String?
    var telemetry_qos: Int?
    // thermo
    var baseline: Double?
    var noise: Double?
    var drift: Double?
    var humidity: Double?
    var humidity_noise: Double?
    var door_per_h: Double?
    var door_rise: Double?
    var defrost_every_h: Double?
    var defrost_rise: Double?
    var defrost_min: Double?
    var battery: Double?
    var battery_drain_per_day: Double?
    var warm_target: Double?
    // disinfector
    var mode: String?
    var schedule: [String]?
    var every_min: Double?
    var run_min: Double?
    var target_c: Double?
    var heatup_min: Double?
    var lamp_h: Double?
    var lamp_rated_h: Double?
    var uv_new: Double?
    var short_run_rate: Double?
    // camera
    var fps: Double?
    var detections: [RawDetection]?
    // scale
    var stall: String?
    var vendor: String?
    var weigh_per_h: Double?
    var calibrated_days_ago: Double?
    var items: [RawItem]?
    // checker
    var workers: [RawCheckedWorker]?
    // sampler (and its fridge: the thermo keys)
    var meals: [RawSampledMeal]?

    static let commonKeys: Set<String> = ["id", "kind", "zone", "interval_s", "model", "fw", "telemetry_qos"]
    static let thermoKeys: Set<String> = [
        "baseline", "noise", "drift", "humidity", "humidity_noise", "door_per_h", "door_rise",
        "defrost_every_h", "defrost_rise", "defrost_min", "battery", "battery_drain_per_day", "warm_target",
    ]
    static let disinfectorKeys: Set<String> = [
        "mode", "schedule", "every_min", "run_min", "target_c", "heatup_min", "lamp_h", "lamp_rated_h", "uv_new",
        "short_run_rate",
    ]
    static let cameraKeys: Set<String> = ["fps", "detections"]
    static let scaleKeys: Set<String> = ["stall", "vendor", "weigh_per_h", "calibrated_days_ago", "items"]
    static let checkerKeys: Set<String> = ["workers"]
    static let samplerKeys: Set<String> = ["meals"]

    static func keys(for kind: String?) -> Set<String> {
        switch kind {
        case "thermo": commonKeys.union(thermoKeys)
        case "disinfector": commonKeys.union(disinfectorKeys)
        case "camera": commonKeys.union(cameraKeys)
        case "scale": commonKeys.union(scaleKeys)
        case "checker": commonKeys.union(checkerKeys)
        case "sampler": commonKeys.union(thermoKeys).union(samplerKeys)
        default: commonKeys.union(thermoKeys).union(disinfectorKeys).union(cameraKeys).union(scaleKeys).union(checkerKeys)
            .union(samplerKeys)
        }
    }
}

/// A single-site profile: `site:` and `devices:`.
struct RawSiteProfile: Decodable {
    var site: RawSite?
    var devices: [RawDevice]?

    static let keys: Set<String> = ["site", "devices"]
}

/// `demo-fleet.yaml`: which profiles make up the fleet, each with the site it plays.
struct RawFleetFile: Decodable {
    var fleet: String?
    var sites: [RawFleetEntry]?

    static let keys: Set<String> = ["fleet", "sites"]
}

struct RawFleetEntry: Decodable {
    var profile: String?
    var id: String?
    var name: String?
    var kind: String?
    var region: String?
    var hours: String?
    var timezone: String?

    static let keys: Set<String> = RawSite.keys.union(["profile"])
}

/// Decodable ignores keys it does not know, which turns a typo (`interval: 30`) into a silent
/// default. This walks the composed YAML and names the first unknown key instead.
enum UnknownKeyCheck {
    static func mappingKeys(_ node: Node?) -> [String] {
        guard let mapping = node?.mapping else { return [] }
        return mapping.keys.compactMap(\.string)
    }

    static func check(_ node: Node?, allowed: Set<String>, at location: String, path: String) throws {
        for key in mappingKeys(node) where !allowed.contains(key) {
            throw ProfileError(path: path, location: location,
                               problem: "unknown key '\(key)'; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    static func child(_ node: Node?, _ key: String) -> Node? {
        node?.mapping?[key]
    }

    static func element(_ node: Node?, _ index: Int) -> Node? {
        guard let sequence = node?.sequence, index < sequence.count else { return nil }
        return sequence[index]
    }
}
