import Crypto
import KitchenModel

/// The chain's definitions, shared by both stores, the verifier and the export (docs/ledgers.md
/// "Canonical form"). Changing any byte here breaks every chain already stored: don't.
public enum LedgerChain {
    /// The `prev` of a site's first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The bytes hashed for an entry: `bk-ledger-1\n`, then site, seq, kind, at_ms, recorded_ms,
    /// source, corrects (empty when none), body and prev, each as `<UTF-8 byte count>:<bytes>\n`,
    /// numbers in decimal. The length prefixes make the encoding unambiguous whatever the body holds.
    public static func canonical(_ entry: ChainEntry) -> [UInt8] {
        canonical(site: entry.site.rawValue, seq: entry.seq, kind: entry.kind, at: entry.at, recordedAt: entry.recordedAt,
                  source: entry.source, corrects: entry.corrects, body: entry.body, prev: entry.prev)
    }

    static func canonical(site: String, seq: Int64, kind: String, at: EpochMillis, recordedAt: EpochMillis,
                          source: String, corrects: Int64?, body: String, prev: String) -> [UInt8] {
        var bytes = Array("bk-ledger-1\n".utf8)
        for field in [site, String(seq), kind, String(at), String(recordedAt), source, corrects.map(String.init) ?? "",
                      body, prev] {
            append(field, to: &bytes)
        }
        return bytes
    }

    /// Lower-case hex SHA-256 of the canonical bytes.
    public static func hash(_ entry: ChainEntry) -> String {
        hex(SHA256.hash(data: canonical(entry)))
    }

    /// The draft placed at `seq` after an entry whose hash is `prev`, with its own hash.
    public static func link(_ draft: LedgerDraft, seq: Int64, prev: String) -> ChainEntry {
        var entry = ChainEntry(site: draft.site, seq: seq, kind: draft.kind, at: draft.at, recordedAt: draft.recordedAt,
                                source: draft.source, corrects: draft.corrects, body: draft.body, prev: prev, hash: "")
        entry.hash = hash(entry)
        return entry
    }

    /// The bytes a day head's signature covers: `bk-ledger-head-1\n`, then site, day, seq and hash
    /// in the same length-prefixed form.
    public static func headMessage(site: SiteID, day: String, seq: Int64, hash: String) -> [UInt8] {
        var bytes = Array("bk-ledger-head-1\n".utf8)
        for field in [site.rawValue, day, String(seq), hash] { append(field, to: &bytes) }
        return bytes
    }

    /// `YYYY-MM-DD` of `time` in China Standard Time (UTC+8, which has no daylight saving).
    public static func day(of time: EpochMillis) -> String {
        CivilDate(dayNumber: (time + 8 * 3_600_000).floorDivided(by: 86_400_000)).description
    }

    /// 1–32 characters of `a-z 0-9 -`.
    public static func isValidKind(_ kind: String) -> Bool {
        (1...32).contains(kind.utf8.count) && kind.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    private static func append(_ field: String, to bytes: inout [UInt8]) {
        let utf8 = Array(field.utf8)
        bytes += Array("\(utf8.count):".utf8)
        bytes += utf8
        bytes.append(0x0A)
    }


    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
