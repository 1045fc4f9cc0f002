import Foundation
import KitchenModel
import StorageModel

/// Checks shared by the people-typed ledger kinds (陪餐, 进货查验, 令60's checks): plain text of a
/// bounded length, staff who exist, corrections of entries that exist. Each returns or throws a
/// ``LedgerRefusal``, so a bad entry is refused before anything is appended.
enum LedgerFields {
    /// `text` as typed: no control or format characters, at most `max` characters, not empty when `required`.
    static func text(_ text: String, _ field: String, max: Int, required: Bool = true) throws {
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw LedgerRefusal("invalid-value", "\(field) is required")
        }
        guard text.count <= max, text.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control
            && $0.properties.generalCategory != .format && !$0.properties.isDefaultIgnorableCodePoint }) else {
            throw LedgerRefusal("invalid-value", "\(field) must be plain text of at most \(max) characters")
        }
    }

    static func list(_ items: [String], _ field: String, max: Int, count: Int) throws {
        guard items.count <= count else { throw LedgerRefusal("invalid-value", "\(field) holds at most \(count) items") }
        for item in items { try text(item, field, max: max) }
    }

    /// The time an entry says something happened, checked before any day arithmetic on it (a
    /// time before 1970 or far ahead has no China day): the refusals `LedgerBook.append` makes.
    static func time(_ at: EpochMillis, book: LedgerBook) throws {
        guard at > 0 else { throw LedgerRefusal("invalid-time", "the entry's time must be after 1970") }
        let now = book.now
        guard at <= now + LedgerBook.futureTolerance else {
            throw LedgerRefusal("future-time", "the entry's time is \((at - now) / 1000) s in the future")
        }
    }

    /// `value` must be one of `allowed`.
    static func one(of allowed: [String], _ value: String, _ field: String) throws {
        guard allowed.contains(value) else {
            throw LedgerRefusal("invalid-value", "\(field) must be one of \(allowed.joined(separator: ", "))")
        }
    }

    /// The active worker `id` of the site, or `unknown-worker`; with `roles`, one of those roles (`wrong-role`).
    static func worker(_ id: String, site: SiteID, book: LedgerBook, roles: [String]? = nil, as field: String) throws -> Worker {
        guard let worker = try StaffDesk(book: book).roster(site).active(id) else {
            throw LedgerRefusal("unknown-worker", "\(field) '\(id.prefix(64))' is not on the staff of \(site)")
        }
        if let roles, !roles.contains(worker.role) {
            throw LedgerRefusal("wrong-role", "\(field) \(worker.id) is a \(worker.role); this record needs a \(roles.joined(separator: " or "))")
        }
        return worker
    }

    /// `corrects` must name an entry of `kind` at `site`.
    static func correction(_ corrects: Int64?, kind: String, site: SiteID, book: LedgerBook) throws {
        guard let corrects else { return }
        let target = corrects >= 1 ? try book.store.ledgerEntries(site: site, fromSeq: corrects, limit: 1).first : nil
        guard let target, target.seq == corrects, target.kind == kind else {
            throw LedgerRefusal("unknown-correction", "site \(site) has no \(kind) entry #\(corrects) to correct")
        }
    }

    /// A site's entries of `kind` that `include` keeps, in chain order, each corrected entry left
    /// out (its correction stands in its place, wherever its time falls), decoded; an entry whose
    /// body is not a `T` is skipped. Only the kept entries are decoded.
    static func current<T: Decodable>(_ type: T.Type, kind: String, site: SiteID, store: any LedgerEntryStore,
                                      where include: (ChainEntry) -> Bool = { _ in true }) throws -> [(entry: ChainEntry, record: T)] {
        let entries = try store.ledgerEntries(site: site, kind: kind)
        let corrected = Set(entries.compactMap(\.corrects))
        return entries.filter { !corrected.contains($0.seq) && include($0) }.compactMap { entry in
            (try? LedgerBody.decode(T.self, from: entry.body)).map { (entry: entry, record: $0) }
        }
    }

    /// Appends one people-typed entry.
    static func append(_ record: some Encodable, kind: String, at: EpochMillis, site: SiteID, source: String,
                       corrects: Int64?, book: LedgerBook) throws -> ChainEntry {
        try book.append(LedgerDraft(site: site, kind: kind, at: at, recordedAt: 0, source: source, corrects: corrects,
                                    body: try LedgerBody.encode(record)))
    }
}
