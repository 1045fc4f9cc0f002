/// A stall holder's file (令81 Art. 8): who sells at a stall, how to reach them, what and from where.
/// Kept at least 6 months after the holder stops selling (`stoppedOn`).
public struct StallHolder: Hashable, Sendable, Codable {
    public var id: String
    public var stall: String
    public var name: String
    public var contact: String
    /// 统一社会信用代码 or 居民身份证号: 18 characters of 0-9 A-Z.
    public var idNumber: String
    public var address: String
    /// Kinds of produce sold, e.g. 蔬菜, 水产.
    public var produce: [String]
    /// Where the holder buys, e.g. 白沙洲农副产品大市场.
    public var channels: [String]
    public var origin: String?
    /// `YYYY-MM-DD`.
    public var startedOn: String
    public var stoppedOn: String?

    public init(id: String, stall: String, name: String, contact: String, idNumber: String, address: String,
                produce: [String], channels: [String], origin: String?, startedOn: String, stoppedOn: String?) {
        self.id = id
        self.stall = stall
        self.name = name
        self.contact = contact
        self.idNumber = idNumber
        self.address = address
        self.produce = produce
        self.channels = channels
        self.origin = origin
        self.startedOn = startedOn
        self.stoppedOn = stoppedOn
    }

    enum CodingKeys: String, CodingKey {
        case id, stall, name, contact, address, produce, channels, origin
        case idNumber = "id_number", startedOn = "started_on", stoppedOn = "stopped_on"
    }

    /// Selling on `day` (`YYYY-MM-DD`): started and not yet stopped.
    public func sells(on day: String) -> Bool {
        startedOn <= day && (stoppedOn.map { day <= $0 } ?? true)
    }
}

/// A market's rapid-test (快检) plan for one day: which produce is tested for what.
public struct RapidTestPlan: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        /// The produce as batches name it, e.g. 青菜.
        public var item: String
        /// What is tested, e.g. 有机磷和氨基甲酸酯类农药残留.
        public var tests: [String]

        public init(item: String, tests: [String]) {
            self.item = item
            self.tests = tests
        }
    }

    public var day: String
    public var lines: [Line]
    public var by: String

    public init(day: String, lines: [Line], by: String) {
        self.day = day
        self.lines = lines
        self.by = by
    }
}
