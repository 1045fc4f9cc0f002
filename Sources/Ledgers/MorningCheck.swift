import KitchenModel
import StorageModel

/// 晨检 as a person or a 晨检仪 reports it, before the rules judge it.
public struct MorningCheckInput: Codable, Sendable, Hashable {
    /// Symptoms DOMAIN.md lists (发热, 腹泻, 呕吐, 咽部炎症, 皮肤伤口或感染); any one excludes the worker.
    public static let symptoms = MorningCheckEvent.knownSymptoms

    public var worker: String
    /// When the check was made, ms since the epoch.
    public var at: EpochMillis
    /// Forehead or ear temperature, °C.
    public var temperatureC: Double
    /// 工作衣帽: clean uniform and hat worn.
    public var uniformOK: Bool
    /// 个人卫生: nails short, no jewellery, hands clean.
    public var hygieneOK: Bool
    public var symptoms: [String]
    /// Who checked: a person's name, or the device id of a 晨检仪.
    public var checker: String
    public var remark: String

    public init(worker: String, at: EpochMillis, temperatureC: Double, uniformOK: Bool = true, hygieneOK: Bool = true,
                symptoms: [String] = [], checker: String, remark: String = "") {
        self.worker = worker
        self.at = at
        self.temperatureC = temperatureC
        self.uniformOK = uniformOK
        self.hygieneOK = hygieneOK
        self.symptoms = symptoms
        self.checker = checker
        self.remark = remark
    }

    enum CodingKeys: String, CodingKey {
        case worker, at = "at_ms", temperatureC = "temperature_c", uniformOK = "uniform_ok", hygieneOK = "hygiene_ok"
        case symptoms, checker, remark
    }
}

/// The `morning-check` entry's body: what was checked, the certificate as it stood, the verdict.
public struct MorningCheckRecord: Codable, Sendable, Hashable {
    public var check: MorningCheckInput
    public var name: String
    public var certificateNumber: String
    public var certificateExpiry: String
    /// Barred from food work today.
    public var excluded: Bool
    /// Why: `fever`, a symptom, `certificate-expired`, `uniform`, `hygiene`.
    public var reasons: [String]
    /// The worker had already been excluded today and was checked in again: a finding on its own.
    public var recheckAfterExclusion: Bool
    /// For a 晨检仪's check: the event it came from, `<boot>/<seq>`, so a redelivered event is
    /// recognised and not appended twice. Absent for checks made by hand (and left out of their bytes).
    public var deviceEvent: String?

    enum CodingKeys: String, CodingKey {
        case check, name, certificateNumber = "cert_no", certificateExpiry = "cert_expiry", excluded, reasons
        case recheckAfterExclusion = "recheck_after_exclusion", deviceEvent = "device_event"
    }
}

/// The 晨检 rules, pure (DOMAIN.md "Kitchen ledgers"): fever at or above the threshold, any listed
/// symptom, or an expired 健康证 excludes the worker for the day. A uniform or hygiene fault is
/// recorded as a reason to put right, not an exclusion.
public struct MorningCheckRules: Sendable {
    /// °C at or above which a worker has a fever (37.3 by default).
    public var feverThresholdC: Double
    /// Readings outside this are a faulty reading or a typing error, refused rather than judged.
    public static let plausibleC: ClosedRange<Double> = 34.0...43.0

    public init(feverThresholdC: Double = 37.3) {
        self.feverThresholdC = feverThresholdC
    }

    /// The verdict on `input` for `worker`, given the worker's earlier checks of the same day.
    public func judge(_ input: MorningCheckInput, worker: Worker, earlierToday: [MorningCheckRecord]) -> MorningCheckRecord {
        var reasons: [String] = []
        if input.temperatureC >= feverThresholdC { reasons.append("fever") }
        for symptom in input.symptoms where !reasons.contains(symptom) { reasons.append(symptom) }
        if worker.certificate(on: CivilDay(containing: input.at)).bars { reasons.append("certificate-expired") }
        let excluded = !reasons.isEmpty
        if !input.uniformOK { reasons.append("uniform") }
        if !input.hygieneOK { reasons.append("hygiene") }
        return MorningCheckRecord(check: input, name: worker.name, certificateNumber: worker.certificateNumber,
                                  certificateExpiry: worker.certificateExpiry, excluded: excluded, reasons: reasons,
                                  recheckAfterExclusion: earlierToday.contains(where: \.excluded))
    }

    /// Why `input` is impossible, or nil.
    public func problem(_ input: MorningCheckInput) -> LedgerRefusal? {
        if input.temperatureC < 0 { return LedgerRefusal("negative-value", "temperature_c must not be negative") }
        guard input.temperatureC.isFinite, Self.plausibleC.contains(input.temperatureC) else {
            return LedgerRefusal("invalid-value", "temperature_c \(input.temperatureC) is not a body temperature (34-43 °C)")
        }
        if let unknown = input.symptoms.first(where: { !MorningCheckInput.symptoms.contains($0) }) {
            return LedgerRefusal("invalid-value", "unknown symptom '\(unknown.prefix(32))': use \(MorningCheckInput.symptoms.joined(separator: ", "))")
        }
        guard !input.checker.isEmpty, input.checker.count <= 64, input.remark.count <= 200,
              (input.checker + input.remark).unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control
                  && $0.properties.generalCategory != .format }) else {
            return LedgerRefusal("invalid-value", "checker (1-64) and remark (≤ 200) must be plain text")
        }
        return nil
    }
}

/// Morning checks into the chain: the worker must be on the site's staff, the check possible.
public struct MorningCheckDesk: Sendable {
    public static let kind = "morning-check"
    public let book: LedgerBook
    public let rules: MorningCheckRules

    public init(book: LedgerBook, rules: MorningCheckRules = MorningCheckRules()) {
        self.book = book
        self.rules = rules
    }

    /// Judges and appends one check; refuses (stores nothing) an impossible one.
    /// `corrects`: the seq of an earlier morning check of the site this one corrects.
    /// `deviceEvent`: the `<boot>/<seq>` of the device event the check came from (see ``MorningCheckRecord``).
    public func record(_ input: MorningCheckInput, site: SiteID, source: String,
                       corrects: Int64? = nil, deviceEvent: String? = nil) throws -> (entry: ChainEntry, record: MorningCheckRecord) {
        if let problem = rules.problem(input) { throw problem }
        try LedgerFields.time(input.at, book: book)
        guard let worker = try StaffDesk(book: book).roster(site).active(input.worker) else {
            throw LedgerRefusal("unknown-worker", "'\(input.worker.prefix(64))' is not on the staff of \(site)")
        }
        let day = CivilDay(containing: input.at)
        if let corrects {
            let target = try book.store.ledgerEntries(site: site, fromSeq: corrects, limit: 1).first
            guard let target, target.seq == corrects, target.kind == Self.kind else {
                throw LedgerRefusal("unknown-correction", "site \(site) has no morning check #\(corrects) to correct")
            }
        }
        let earlier = try checks(site, on: day).filter { $0.check.worker == worker.id }
        var record = rules.judge(input, worker: worker, earlierToday: earlier)
        record.deviceEvent = deviceEvent
        let entry = try book.append(LedgerDraft(site: site, kind: Self.kind, at: input.at, recordedAt: 0, source: source,
                                                corrects: corrects, body: try LedgerBody.encode(record)))
        return (entry, record)
    }

    /// The day's checks at `site` in chain order (a correction's record replaces the one it corrects).
    public func checks(_ site: SiteID, on day: CivilDay) throws -> [MorningCheckRecord] {
        try Self.checks(site, on: day, store: book.store)
    }

    public static func checks(_ site: SiteID, on day: CivilDay, store: any LedgerEntryStore) throws -> [MorningCheckRecord] {
        let entries = try store.ledgerEntries(site: site, since: day.start, until: day.start + 86_400_000)
            .filter { $0.kind == Self.kind }
        let corrected = Set(entries.compactMap(\.corrects))
        return entries.filter { !corrected.contains($0.seq) }.compactMap { try? LedgerBody.decode(MorningCheckRecord.self, from: $0.body) }
    }
}

extension MorningCheckRules {
    /// 晨检 is done before work starts: a site is missing its morning check when it has active
    /// staff, its first opening interval of the day (China time) has begun, and no worker has been
    /// checked that day. A site open around the clock (opening at 00:00) has no opening to miss.
    public static func isMissing(hours: OperatingHours, now: EpochMillis, activeStaff: Int, checksToday: Int) -> Bool {
        guard activeStaff > 0, checksToday == 0, let first = hours.intervals.map(\.start).min(), first > 0 else { return false }
        return now >= CivilDay(containing: now).start + EpochMillis(first) * 60_000
    }

    /// The sites of `sites` missing their morning check now, and those that are not (for clearing).
    public static func survey(_ sites: [SiteConfig], store: any LedgerEntryStore, now: EpochMillis) throws
        -> (missing: Set<SiteID>, fine: Set<SiteID>) {
        let withLedgers = Set(try store.ledgerSites())
        let today = CivilDay(containing: now)
        var missing: Set<SiteID> = []
        var fine: Set<SiteID> = []
        for site in sites where withLedgers.contains(site.id) {
            let staff = StaffRoster(entries: try store.ledgerEntries(site: site.id, kind: StaffRoster.kind)).sorted
                .filter(\.active).count
            let checks = try MorningCheckDesk.checks(site.id, on: today, store: store).count
            if isMissing(hours: site.hours, now: now, activeStaff: staff, checksToday: checks) {
                missing.insert(site.id)
            } else {
                fine.insert(site.id)
            }
        }
        return (missing, fine)
    }
}
