import Foundation
import KitchenModel
import StorageModel
import Traceability

/// Why an entry was refused; nothing of the request was stored.
public struct LedgerRefusal: Error, Equatable, CustomStringConvertible {
    /// Machine-readable: `future-time`, `invalid-time`, `invalid-kind`, `invalid-body`, `unknown-correction`,
    /// `unknown-worker`, `negative-value`, `invalid-value`.
    public let reason: String
    public let message: String

    public init(_ reason: String, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

/// The one way entries get into a ledger: checks that make an entry impossible (a time in the
/// future, a correction of nothing, a body that is not a JSON object), then the store's append
/// with heads signed by the gateway's keyring. Kind-specific checks happen before, in the code
/// that builds the body (staff, morning checks).
public final class LedgerBook: Sendable {
    /// A device or phone clock may run a little ahead of the gateway's; more is an impossible entry.
    public static let futureTolerance: EpochMillis = 5 * 60_000

    public let store: any LedgerEntryStore
    let keyring: TicketKeyring
    let clock: @Sendable () -> EpochMillis

    public init(store: any LedgerEntryStore, keyring: TicketKeyring,
                clock: @escaping @Sendable () -> EpochMillis = { EpochMillis(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
        self.keyring = keyring
        self.clock = clock
    }

    public var now: EpochMillis { clock() }

    /// Appends `drafts` (their `recordedAt` set to now) in one transaction, or refuses them all.
    @discardableResult
    public func append(_ drafts: [LedgerDraft]) throws -> [ChainEntry] {
        let now = clock()
        var stamped: [LedgerDraft] = []
        for var draft in drafts {
            guard LedgerChain.isValidKind(draft.kind) else {
                throw LedgerRefusal("invalid-kind", "'\(draft.kind)' is not a ledger kind (1-32 characters of a-z 0-9 -)")
            }
            guard draft.at > 0 else { throw LedgerRefusal("invalid-time", "the entry's time must be after 1970") }
            guard draft.at <= now + Self.futureTolerance else {
                throw LedgerRefusal("future-time", "the entry's time is \((draft.at - now) / 1000) s in the future")
            }
            guard LedgerBody.isObject(draft.body) else {
                throw LedgerRefusal("invalid-body", "the entry's body is not a JSON object")
            }
            if let target = draft.corrects, target < 1 {
                throw LedgerRefusal("unknown-correction", "an entry can only correct entry #1 or later, not #\(target)")
            }
            draft.recordedAt = now
            stamped.append(draft)
        }
        do {
            let key = TicketKeyRecord(keyID: keyring.activeKey.id.description, fingerprint: keyring.activeKey.fingerprint,
                                      firstSigned: now)
            return try store.appendLedgerEntries(stamped, signingKey: key, signer: LedgerSigning.signer(keyring))
        } catch let error as LedgerAppendError {
            switch error {
            case .unknownCorrection: throw LedgerRefusal("unknown-correction", error.description)
            case .invalidKind: throw LedgerRefusal("invalid-kind", error.description)
            }
        }
    }

    @discardableResult
    public func append(_ draft: LedgerDraft) throws -> ChainEntry {
        try append([draft])[0]
    }

    /// A site's whole chain checked against this gateway's keyring.
    public func verify(_ site: SiteID) throws -> LedgerVerification {
        try LedgerVerifier.verify(site: site, store: store, keyring: keyring)
    }

    /// A site's whole chain and heads as the signed export (``LedgerExport``).
    public func export(_ site: SiteID) throws -> String {
        var entries: [ChainEntry] = []
        while true {
            let page = try store.ledgerEntries(site: site, fromSeq: (entries.last?.seq ?? 0) + 1, limit: 10_000)
            entries += page
            if page.count < 10_000 { break }
        }
        return LedgerExport.write([.init(site: site, entries: entries, heads: try store.ledgerHeads(site: site))],
                                  keyring: keyring, exportedAt: clock())
    }
}

/// Bodies as canonical JSON: sorted keys, no insignificant spaces, slashes unescaped. The chain
/// hashes the stored string byte for byte, so this only has to be deterministic when written.
public enum LedgerBody {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from body: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.utf8))
    }

    static func isObject(_ body: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) is [String: Any]
    }
}
