import KitchenModel
import StorageModel

/// One worker of a site as the `staff` ledger records them (DOMAIN.md, 晨检: 健康证 number and expiry).
/// A change is a new `staff` entry with the whole record; the latest one per worker id counts.
public struct Worker: Codable, Sendable, Hashable {
    public static let roles = ["cook", "helper", "server", "cashier", "cleaner", "storekeeper", "manager", "food-safety-officer"]

    /// Unique within the site: 1–64 of `a-z 0-9 - _` (what a 晨检仪's card or face id maps to).
    public var id: String
    public var name: String
    public var role: String
    /// 健康证 number.
    public var certificateNumber: String
    /// Last day the 健康证 is valid, `YYYY-MM-DD`.
    public var certificateExpiry: String
    /// False once the worker has left the site.
    public var active: Bool

    public init(id: String, name: String, role: String, certificateNumber: String, certificateExpiry: String, active: Bool = true) {
        self.id = id
        self.name = name
        self.role = role
        self.certificateNumber = certificateNumber
        self.certificateExpiry = certificateExpiry
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case id = "worker", name, role, certificateNumber = "cert_no", certificateExpiry = "cert_expiry", active
    }

    /// Why this record cannot be stored, or nil. Checks every field a person types.
    public func problem() -> LedgerRefusal? {
        guard DeviceID(id) != nil else {
            return LedgerRefusal("invalid-value", "worker id '\(id.prefix(64))' must be 1-64 characters of a-z 0-9 - _")
        }
        guard !name.isEmpty, name.count <= 32, name.unicodeScalars.allSatisfy({ !$0.properties.isDefaultIgnorableCodePoint
            && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format }) else {
            return LedgerRefusal("invalid-value", "name must be 1-32 characters with no control characters")
        }
        guard Self.roles.contains(role) else {
            return LedgerRefusal("invalid-value", "role must be one of \(Self.roles.joined(separator: ", "))")
        }
        guard (4...32).contains(certificateNumber.utf8.count),
              certificateNumber.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D })
        else { return LedgerRefusal("invalid-value", "cert_no (健康证 number) must be 4-32 letters, digits or -") }
        guard CivilDay(certificateExpiry) != nil else {
            return LedgerRefusal("invalid-value", "cert_expiry must be a date written YYYY-MM-DD")
        }
        return nil
    }

    /// The 健康证 on `today`: valid through its expiry day, a reminder within 30 days of it.
    public func certificate(on today: CivilDay) -> CertificateStatus {
        guard let expiry = CivilDay(certificateExpiry) else { return .expired(daysAgo: 0) }
        let left = expiry.number - today.number
        if left < 0 { return .expired(daysAgo: Int(-left)) }
        if left <= Int64(CertificateStatus.reminderDays) { return .expiring(daysLeft: Int(left)) }
        return .valid
    }
}

public enum CertificateStatus: Sendable, Hashable {
    /// A certificate expiring within this many days (inclusive) is a reminder.
    public static let reminderDays = 30

    case valid
    /// Still valid; renew it. 0: today is the last valid day.
    case expiring(daysLeft: Int)
    /// The worker is barred from food work until a renewed certificate is recorded.
    case expired(daysAgo: Int)

    public var word: String {
        switch self {
        case .valid: "valid"
        case .expiring: "expiring"
        case .expired: "expired"
        }
    }

    public var bars: Bool { if case .expired = self { true } else { false } }
}

/// A site's staff as its `staff` entries say: the latest record per worker, corrections applied.
public struct StaffRoster: Sendable {
    public static let kind = "staff"

    public private(set) var workers: [String: Worker] = [:]

    /// Folds `entries` (a site's `staff` entries in seq order); an entry whose body is not a worker is skipped.
    public init(entries: [ChainEntry]) {
        for entry in entries where entry.kind == Self.kind {
            if let worker = try? LedgerBody.decode(Worker.self, from: entry.body) { workers[worker.id] = worker }
        }
    }

    public var sorted: [Worker] { workers.values.sorted { $0.id < $1.id } }

    /// An active worker of the site, or nil.
    public func active(_ id: String) -> Worker? { workers[id].flatMap { $0.active ? $0 : nil } }
}

/// Staff records in and out of the chain, with the checks that keep impossible ones out.
public struct StaffDesk: Sendable {
    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    public func roster(_ site: SiteID) throws -> StaffRoster {
        StaffRoster(entries: try book.store.ledgerEntries(site: site, kind: StaffRoster.kind))
    }

    /// Records `worker` (new, changed, renewed or left) unless it is already recorded so; returns the entry.
    @discardableResult
    public func record(_ worker: Worker, site: SiteID, source: String) throws -> ChainEntry? {
        if let problem = worker.problem() { throw problem }
        guard try roster(site).workers[worker.id] != worker else { return nil }
        let now = book.now
        return try book.append(LedgerDraft(site: site, kind: StaffRoster.kind, at: now, recordedAt: now, source: source,
                                           body: try LedgerBody.encode(worker)))
    }

    /// Brings the chain in line with the registry's `staff:` lists: records each worker whose
    /// record differs. Workers only the API recorded are left alone.
    public func sync(_ staff: [SiteID: [Worker]]) throws -> Int {
        var recorded = 0
        for (site, workers) in staff.sorted(by: { $0.key < $1.key }) {
            for worker in workers where try record(worker, site: site, source: "registry") != nil { recorded += 1 }
        }
        return recorded
    }

    /// Workers whose certificate needs attention on `today`: expiring (reminder) or expired (barred).
    public func reminders(_ site: SiteID, today: CivilDay) throws -> [(worker: Worker, status: CertificateStatus)] {
        try roster(site).sorted.filter(\.active).compactMap { worker in
            let status = worker.certificate(on: today)
            return status == .valid ? nil : (worker, status)
        }
    }
}
