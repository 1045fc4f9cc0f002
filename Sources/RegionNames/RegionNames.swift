/// Names of China's administrative divisions by GB/T 2260 code (province `42`, city `4201`,
/// county `420106`), read once from the table shipped in `data/divisions.tsv` (see its README
/// for source and date). Pages, reports and summaries show these names; a code the table does
/// not know (a newer division, a typo in a registry) still works and is shown as the code.
public struct RegionNames: Sendable {
    /// The shipped table, parsed on first use.
    public static let shared = RegionNames(tsv: PackageResources.divisions_tsv)

    /// City-level entries that are not places but groupings (直辖市's districts, counties directly
    /// under a province): a full name skips them, a city label says which province they belong to.
    static let groupings: Set<String> = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]

    /// Keyed by the code's number: 2, 4 and 6 digit codes never collide, as no code starts with 0.
    private let names: [Int32: String]
    /// Lines of the table that could not be read (the shipped table has none: a test says so).
    public let rejectedLines: Int

    public var count: Int { names.count }

    /// Parses `code<TAB>name` lines; anything else is skipped and counted.
    public init(tsv bytes: [UInt8]) {
        var names: [Int32: String] = [:]
        names.reserveCapacity(4_096)
        var rejected = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2, let key = Self.key(fields[0]), !fields[1].isEmpty,
                  let name = String(validating: fields[1], as: UTF8.self) else {
                rejected += 1
                continue
            }
            names[key] = name
        }
        self.names = names
        rejectedLines = rejected
    }

    /// The number for a code of 2, 4 or 6 ASCII digits not starting with 0, else nil.
    private static func key(_ digits: some Collection<UInt8>) -> Int32? {
        guard [2, 4, 6].contains(digits.count), digits.first != UInt8(ascii: "0") else { return nil }
        var value: Int32 = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            value = value * 10 + Int32(d - 0x30)
        }
        return value
    }

    /// The table's name for exactly this code (`42`, `4201` or `420106`), nil when unknown.
    public func name(_ code: some StringProtocol) -> String? {
        guard let key = Self.key(code.utf8) else { return nil }
        return names[key]
    }

    /// One region node's own name: `湖北省`, `武汉市`, `武昌区`, `武昌区 03` for a station;
    /// a city-level grouping is named with its province (`北京市 市辖区`). Unknown: the code.
    public func label(_ code: String) -> String {
        let parts = code.split(separator: "-", maxSplits: 1)
        guard let division = parts.first else { return code }
        guard var name = name(division) else { return code }
        if division.utf8.count == 4, Self.groupings.contains(name), let province = self.name(division.prefix(2)) {
            name = "\(province) \(name)"
        }
        if parts.count == 2 { name += " \(parts[1])" }
        return name
    }

    /// The whole path down to a code: `湖北省 武汉市 武昌区` (groupings left out), a station's
    /// suffix last. Levels the table does not know are left out; when none is known, the code.
    public func path(_ code: String) -> String {
        let parts = code.split(separator: "-", maxSplits: 1)
        guard let division = parts.first else { return code }
        var names: [String] = []
        for n in [2, 4, 6] where division.utf8.count >= n {
            if let name = name(division.prefix(n)), !(n == 4 && Self.groupings.contains(name)) {
                names.append(name)
            }
        }
        guard !names.isEmpty else { return code }
        if parts.count == 2 { names.append(String(parts[1])) }
        return names.joined(separator: " ")
    }
}
