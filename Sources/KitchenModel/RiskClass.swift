/// The regulator's grading of a camera violation (DOMAIN.md, "Camera violations and the closed
/// loop"). Equipment faults carry no class.
public enum RiskClass: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 一类: rodent, pest, intrusion. Immediate alarm to site and regulator; yellow/red cards.
    case class1 = 1
    /// 二类: smoking, open bin, phone. Rectify by a deadline.
    case class2 = 2
    /// 三类: hat, mask, uniform, gloves. Counted for routine supervision, daily digest.
    case class3 = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var nameZH: String {
        switch self {
        case .class1: "一类"
        case .class2: "二类"
        case .class3: "三类"
        }
    }
}
