import KitchenModel
import Traceability

/// Batch records as the API changes them: each write reaches the store (with its history entry)
/// and the ticket desk's batch cache together. `TraceabilityService` conforms.
public protocol BatchRecords: Sendable {
    func create(_ batch: Batch, actor: String) throws
    func reinspect(_ id: BatchID, _ inspection: Inspection, actor: String, at now: EpochMillis) throws -> Batch
    func recall(_ id: BatchID, reason: String, actor: String, at now: EpochMillis) throws -> Batch
    func certify(_ id: BatchID, _ certificate: CommitmentCertificate, actor: String, at now: EpochMillis) throws -> Batch
}

/// A batch as the ticket desk's cache holds it, with the version every batch write bumps: an
/// answer made from a batch is current while the version is.
public struct VersionedBatch: Sendable {
    /// nil: no such batch.
    public let batch: Batch?
    public let version: UInt64

    public init(batch: Batch?, version: UInt64) {
        self.batch = batch
        self.version = version
    }
}

/// The batch cache's versions, for the public lookup's answer cache. `TraceabilityService` conforms.
public protocol BatchVersions: Sendable {
    /// The batch and its version, read from the database when not in memory; nil when it cannot be read.
    func versionedBatch(_ id: BatchID) -> VersionedBatch?
    /// Only what is in memory: nil when the database would have to be asked (event-loop callers).
    func cachedVersionedBatch(_ id: BatchID) -> VersionedBatch?
}

/// Ticket codes as the ticket issuer signs them: verification (HMAC, no database), the lookup
/// URL a code is printed under, and a printed receipt. `TraceabilityService` conforms.
public protocol TicketCodes: Sendable {
    /// Checks a scanned code's signature against the keyring.
    func verify(_ text: String) throws(TicketCodeError) -> TicketCode
    /// The URL prefix a ticket's code is appended to (the QR code's content).
    var lookupPrefix: String { get }
    func url(for ticket: Ticket) -> String
    /// An ESC/POS receipt for a `58mm` or `80mm` printer.
    func receipt(for ticket: Ticket, width: String, site: SiteConfig) throws -> [UInt8]
}

/// Everything the HTTP layer does with traceability.
public typealias TraceabilityDesk = BatchRecords & BatchVersions & TicketCodes
