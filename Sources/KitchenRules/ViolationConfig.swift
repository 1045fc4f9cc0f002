import KitchenModel

/// How camera detections are graded (DOMAIN.md, "Camera violations and the closed loop").
public struct ViolationConfig: Sendable, Hashable, Codable {
    /// Canonical label → risk class. Labels not listed are ignored.
    public var classes: [String: RiskClass]
    /// Detections scoring below this are ignored (project default 0.6).
    public var minScore: Double
    /// A detection of the same label from the same camera within this long after the previous one
    /// belongs to the same incident ("repeated detections ... are one incident, not hundreds").
    public var incidentWindowSeconds: Int
    /// While an incident goes on, at most one `update` per this long (cameras detect several times
    /// a second; the final count always arrives with `clear`).
    public var updateEverySeconds: Int
    /// Classes that raise alarms; the others are only counted in the daily digest.
    public var alarmClasses: [RiskClass]
    /// The label that becomes `intrusion` outside operating hours.
    public var personLabel: String
    public var intrusionLabel: String

    public static let defaultClasses: [String: RiskClass] = [
        "rodent": .class1, "pest": .class1, "intrusion": .class1,
        "smoking": .class2, "bin_open": .class2, "phone": .class2,
        "no_hat": .class3, "no_mask": .class3, "no_uniform": .class3, "no_gloves": .class3,
    ]

    public init(classes: [String: RiskClass] = ViolationConfig.defaultClasses, minScore: Double = 0.6,
                incidentWindowSeconds: Int = 600, updateEverySeconds: Int = 60,
                alarmClasses: [RiskClass] = [.class1, .class2], personLabel: String = "person",
                intrusionLabel: String = "intrusion") {
        self.classes = classes
        self.minScore = minScore
        self.incidentWindowSeconds = incidentWindowSeconds
        self.updateEverySeconds = updateEverySeconds
        self.alarmClasses = alarmClasses
        self.personLabel = personLabel
        self.intrusionLabel = intrusionLabel
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ViolationConfig()
        self.init(
            classes: try c.decode(.classes, default: d.classes),
            minScore: try c.decode(.minScore, default: d.minScore),
            incidentWindowSeconds: try c.decode(.incidentWindowSeconds, default: d.incidentWindowSeconds),
            updateEverySeconds: try c.decode(.updateEverySeconds, default: d.updateEverySeconds),
            alarmClasses: try c.decode(.alarmClasses, default: d.alarmClasses),
            personLabel: try c.decode(.personLabel, default: d.personLabel),
            intrusionLabel: try c.decode(.intrusionLabel, default: d.intrusionLabel))
    }

    public func riskClass(for label: String) -> RiskClass? { classes[label] }

    /// Class 1 and 2 alarm (immediately / with a deadline); class 3 goes to the digest only.
    public func shouldAlarm(_ riskClass: RiskClass) -> Bool { alarmClasses.contains(riskClass) }
}

/// How a site manager names what the camera saw.
enum ViolationLabel {
    static func nameZH(_ label: String) -> String {
        switch label {
        case "rodent": "发现老鼠"
        case "pest": "发现虫害"
        case "intrusion": "非营业时间有人进入后厨"
        case "smoking": "吸烟"
        case "bin_open": "垃圾桶未加盖"
        case "phone": "操作时使用手机"
        case "no_hat": "未戴工作帽"
        case "no_mask": "未戴口罩"
        case "no_uniform": "未穿工作服"
        case "no_gloves": "未戴手套"
        default: label
        }
    }
}
