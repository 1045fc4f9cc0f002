import KitchenModel

/// One row of a site's kitchen ledger (docs/ledgers.md): every ledger kind (晨检, staff, and later
/// 留样, 陪餐, 进货查验 ...) shares one append-only chain per site. Stored rows are never updated
/// or deleted; a correction is a new entry whose `corrects` names the entry it amends.
public struct ChainEntry: Sendable, Hashable {
    /// The site whose chain holds this entry.
    public var site: SiteID
    /// Position in the site's chain: 1, 2, 3 ... with no gaps.
    public var seq: Int64
    /// What the entry records, e.g. `morning-check`, `staff`; `a-z 0-9 -`, 1–32 characters.
    public var kind: String
    /// When the recorded thing happened (a check's time), ms since the epoch.
    public var at: EpochMillis
    /// When the gateway appended the entry (its clock), ms since the epoch: the day heads follow it.
    public var recordedAt: EpochMillis
    /// Who or what recorded it: `api:<token name>`, `device:<device id>`, `registry`.
    public var source: String
    /// The seq of an earlier entry of the same site this one corrects.
    public var corrects: Int64?
    /// The kind's record as canonical JSON (sorted keys, no spaces), hashed byte for byte.
    public var body: String
    /// The previous entry's hash (64 zeros for seq 1).
    public var prev: String
    /// Lower-case hex SHA-256 of ``LedgerChain/canonical(_:)``.
    public var hash: String

    public init(site: SiteID, seq: Int64, kind: String, at: EpochMillis, recordedAt: EpochMillis, source: String,
                corrects: Int64?, body: String, prev: String, hash: String) {
        self.site = site
        self.seq = seq
        self.kind = kind
        self.at = at
        self.recordedAt = recordedAt
        self.source = source
        self.corrects = corrects
        self.body = body
        self.prev = prev
        self.hash = hash
    }
}

/// An entry before the store gives it its place in the chain.
public struct LedgerDraft: Sendable, Hashable {
    public var site: SiteID
    public var kind: String
    public var at: EpochMillis
    public var recordedAt: EpochMillis
    public var source: String
    public var corrects: Int64?
    public var body: String

    public init(site: SiteID, kind: String, at: EpochMillis, recordedAt: EpochMillis, source: String,
                corrects: Int64? = nil, body: String) {
        self.site = site
        self.kind = kind
        self.at = at
        self.recordedAt = recordedAt
        self.source = source
        self.corrects = corrects
        self.body = body
    }
}

/// The signed head of one site's chain for one day (China Standard Time): the last entry appended
/// that day. Rewritten (only forward) while the day lasts; never deleted.
public struct LedgerDayHead: Sendable, Hashable {
    public var site: SiteID
    /// `YYYY-MM-DD` in UTC+8 (``LedgerChain/day(of:)``) of the entries' `recordedAt`.
    public var day: String
    public var seq: Int64
    public var hash: String
    /// The ticket key id (its base32 symbol) that made `signature`.
    public var keyID: String
    /// Lower-case hex HMAC-SHA256 of ``LedgerChain/headMessage(site:day:seq:hash:)``.
    public var signature: String

    public init(site: SiteID, day: String, seq: Int64, hash: String, keyID: String, signature: String) {
        self.site = site
        self.day = day
        self.seq = seq
        self.hash = hash
        self.keyID = keyID
        self.signature = signature
    }
}

/// Why the store refused an append; nothing of the batch was stored.
public enum LedgerAppendError: Error, Equatable, CustomStringConvertible {
    /// `corrects` names no earlier entry of the site.
    case unknownCorrection(site: SiteID, seq: Int64)
    /// The kind is not 1–32 characters of `a-z 0-9 -`.
    case invalidKind(String)

    public var description: String {
        switch self {
        case .unknownCorrection(let site, let seq): "site \(site) has no ledger entry #\(seq) to correct"
        case .invalidKind(let kind): "ledger kind '\(kind)' is not 1-32 characters of a-z 0-9 -"
        }
    }
}

/// Makes the signed head of a day; the store calls it inside the append's transaction.
public typealias LedgerHeadSigner = @Sendable (_ site: SiteID, _ day: String, _ seq: Int64, _ hash: String) -> LedgerDayHead

/// The kitchen ledgers' chain, in both stores.
public protocol LedgerEntryStore: AnyObject, Sendable {
    /// Appends `drafts` in order, in one transaction: each is chained to its site's last entry and
    /// each touched (site, day) head is re-signed. All are stored, or none (then it throws).
    /// `signingKey` is recorded with them like a ticket's key (kept if its id is known), so that a
    /// start with a lost or swapped keyring is refused even where no ticket was ever sold.
    func appendLedgerEntries(_ drafts: [LedgerDraft], signingKey: TicketKeyRecord, signer: LedgerHeadSigner) throws
        -> [ChainEntry]
    /// A site's entries with `seq` in `[fromSeq, fromSeq + limit)`, by seq.
    func ledgerEntries(site: SiteID, fromSeq: Int64, limit: Int) throws -> [ChainEntry]
    /// A site's entries whose `at` is in `[since, until)`, by seq.
    func ledgerEntries(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [ChainEntry]
    /// A site's entries of one kind, by seq (a kind's corrections are of the same kind).
    func ledgerEntries(site: SiteID, kind: String) throws -> [ChainEntry]
    /// A site's signed day heads, by day.
    func ledgerHeads(site: SiteID) throws -> [LedgerDayHead]
    /// Sites with at least one ledger entry, sorted.
    func ledgerSites() throws -> [SiteID]
}
