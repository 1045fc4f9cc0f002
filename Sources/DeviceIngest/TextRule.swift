/// What a string field may contain. Protocol strings that become ids, labels or topic segments
/// are restricted to ASCII sets; free text (model, firmware, fault codes) only has a length.
struct TextRule: Sendable {
    enum Charset: Sendable {
        /// Any Unicode text; the length is counted in Unicode scalars, as JSON Schema counts it.
        case any
        /// `a-z 0-9 - _` — ids that may appear in topics.
        case topicSafe
        /// `a-z 0-9 _` — detection labels.
        case label
        /// `A-Z a-z 0-9 - _ . :` — ids chosen by scale firmware (req, stall, batch).
        case token
        /// `0-9` — PLU codes, kept as text because leading zeros matter.
        case digits

        func allows(_ b: UInt8) -> Bool {
            switch self {
            case .any: true
            case .topicSafe: (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
            case .label: (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
            case .token:
                (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                    || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
            case .digits: b >= 0x30 && b <= 0x39
            }
        }

        var summary: String {
            switch self {
            case .any: "characters"
            case .topicSafe: "characters of a-z 0-9 - _"
            case .label: "characters of a-z 0-9 _"
            case .token: "characters of A-Z a-z 0-9 - _ . :"
            case .digits: "digits"
            }
        }
    }

    var length: ClosedRange<Int>
    var charset: Charset

    static let modelOrFirmware = TextRule(length: 1...64, charset: .any)
    static let faultCode = TextRule(length: 0...32, charset: .any)
    static let snapshotID = TextRule(length: 1...64, charset: .topicSafe)
    static let label = TextRule(length: 1...32, charset: .label)
    static let requestID = TextRule(length: 1...64, charset: .token)
    static let stall = TextRule(length: 1...16, charset: .token)
    static let batch = TextRule(length: 1...64, charset: .token)
    static let plu = TextRule(length: 1...16, charset: .digits)
    static let receiptWidth = TextRule(length: 1...8, charset: .token)
    /// A staff worker id, as a 晨检仪 maps a card or face to it.
    static let workerID = TextRule(length: 1...64, charset: .topicSafe)
    static let symptom = TextRule(length: 1...32, charset: .topicSafe)
    /// A 留样柜's box slot or label.
    static let sampleBox = TextRule(length: 1...16, charset: .token)
    /// A dish's name as the meal plan lists it (Chinese text).
    static let dish = TextRule(length: 1...32, charset: .any)

    var summary: String { "\(length.lowerBound)-\(length.upperBound) \(charset.summary)" }

    func accepts(_ text: String) -> Bool {
        if case .any = charset { return length.contains(text.unicodeScalars.count) }
        let utf8 = text.utf8
        return length.contains(utf8.count) && utf8.allSatisfy(charset.allows)
    }
}
