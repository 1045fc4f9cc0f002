import KitchenModel
import StorageModel
import Traceability

/// One thing wrong with a chain, tied to the entry where it shows first.
public struct LedgerProblem: Sendable, Hashable, CustomStringConvertible {
    public let site: SiteID
    /// The first entry the problem concerns (the one to look at first).
    public let seq: Int64
    public let problem: String

    public var description: String { "site \(site) entry #\(seq): \(problem)" }
}

/// The outcome of checking one site's chain.
public struct LedgerVerification: Sendable {
    public let site: SiteID
    public let entries: Int
    public let heads: Int
    /// Heads whose signature was checked and found genuine.
    public let signaturesChecked: Int
    /// Sorted by seq: the first names the first broken entry.
    public let problems: [LedgerProblem]

    public var intact: Bool { problems.isEmpty }
    public var firstProblem: LedgerProblem? { problems.first }
}

/// Checks a chain as stored or exported, with no store and no network (docs/ledgers.md "Verifying").
///
/// For each entry in the order given: its seq follows the previous one (a gap is a deletion, a
/// step back a reordering); its hash is that of its canonical form (else its content was altered);
/// its `prev` is the previous entry's recomputed hash (else the previous entry was altered and its
/// hash rewritten to match); a correction names an earlier entry. For each signed day head: the
/// entry it names exists with that hash, is the day's last, and the signature is genuine. Every
/// day with entries must have a head.
public enum LedgerVerifier {
    /// `entries` in chain order as read; `anchored`: the list may start after seq 1 (a partial
    /// export), its first `prev` then taken on trust. `keyring` nil: signatures are not checked.
    public static func verify(site: SiteID, entries: [ChainEntry], heads: [LedgerDayHead], keyring: TicketKeyring?,
                              anchored: Bool = false) -> LedgerVerification {
        var problems: [LedgerProblem] = []
        func report(_ seq: Int64, _ text: String) { problems.append(LedgerProblem(site: site, seq: seq, problem: text)) }

        var expectedSeq: Int64 = anchored ? (entries.first?.seq ?? 1) : 1
        var previousHash = anchored ? (entries.first?.prev ?? LedgerChain.genesis) : LedgerChain.genesis
        let firstSeq = expectedSeq
        var bySeq: [Int64: ChainEntry] = [:]
        var lastOfDay: [String: Int64] = [:]
        let present = Set(entries.map(\.seq))
        for entry in entries {
            if entry.site != site {
                report(entry.seq, "belongs to site \(entry.site), not \(site)")
                break
            }
            if entry.seq != expectedSeq {
                if entry.seq > expectedSeq, present.contains(expectedSeq) {
                    report(expectedSeq, "appears after #\(entry.seq): entries were reordered")
                } else if entry.seq > expectedSeq {
                    report(expectedSeq, expectedSeq + 1 == entry.seq ? "is missing (deleted): the chain goes on at #\(entry.seq)"
                           : "to #\(entry.seq - 1) are missing (deleted): the chain goes on at #\(entry.seq)")
                } else {
                    report(entry.seq, "appears where #\(expectedSeq) belongs: entries were reordered or repeated")
                }
                break   // past a gap or a reordering, every later link is meaningless
            }
            let recomputed = LedgerChain.hash(entry)
            if recomputed != entry.hash {
                report(entry.seq, "was altered: its content no longer matches its hash")
                break
            }
            if entry.prev != previousHash {
                let before = entry.seq - 1
                report(before, before >= firstSeq
                       ? "was altered and its hash rewritten: entry #\(entry.seq) still links to the original"
                       : "does not match the link entry #\(entry.seq) holds")
                break
            }
            if let target = entry.corrects, target >= entry.seq || (target >= firstSeq && bySeq[target] == nil) || target < 1 {
                report(entry.seq, "corrects entry #\(target), which is not an earlier entry of this chain")
                break
            }
            bySeq[entry.seq] = entry
            let day = LedgerChain.day(of: entry.recordedAt)
            lastOfDay[day] = entry.seq
            previousHash = entry.hash
            expectedSeq += 1
        }
        let complete = problems.isEmpty
        let lastSeq = expectedSeq - 1

        var signed = 0
        var headDays: Set<String> = []
        for head in heads {
            headDays.insert(head.day)
            if head.site != site {
                report(head.seq, "a day head for \(head.day) names site \(head.site), not \(site)")
                continue
            }
            if let keyring {
                switch LedgerSigning.check(head, keyring: keyring) {
                case true?: signed += 1
                case false?: report(head.seq, "the signature of day \(head.day)'s head is not genuine (head altered or forged)")
                case nil: report(head.seq, "day \(head.day)'s head is signed with key \(head.keyID), which the keyring lacks")
                }
            }
            guard complete, head.seq >= firstSeq else { continue }
            if head.seq > lastSeq {
                report(lastSeq + 1, "is missing (deleted): day \(head.day)'s signed head names entry #\(head.seq), "
                       + "the chain ends at #\(lastSeq)")
            } else if let entry = bySeq[head.seq], entry.hash != head.hash {
                report(head.seq, "does not have the hash day \(head.day)'s signed head records")
            } else if let entry = bySeq[head.seq], LedgerChain.day(of: entry.recordedAt) != head.day {
                report(head.seq, "was recorded on \(LedgerChain.day(of: entry.recordedAt)), not on day \(head.day) its head names")
            } else if let last = lastOfDay[head.day], last > head.seq {
                report(head.seq + 1, "was added to day \(head.day) after its head was signed (head names #\(head.seq))")
            }
        }
        if complete {
            for (day, seq) in lastOfDay where !headDays.contains(day) {
                report(seq, "day \(day) has entries but no signed head")
            }
        }
        problems.sort { ($0.seq, $0.problem) < ($1.seq, $1.problem) }
        return LedgerVerification(site: site, entries: entries.count, heads: heads.count, signaturesChecked: signed,
                                  problems: problems)
    }

    /// A site's whole chain read from a store, a page at a time.
    public static func verify(site: SiteID, store: any LedgerEntryStore, keyring: TicketKeyring?) throws -> LedgerVerification {
        var entries: [ChainEntry] = []
        while true {
            let page = try store.ledgerEntries(site: site, fromSeq: (entries.last?.seq ?? 0) + 1, limit: 10_000)
            entries += page
            if page.count < 10_000 { break }
        }
        return verify(site: site, entries: entries, heads: try store.ledgerHeads(site: site), keyring: keyring)
    }
}
