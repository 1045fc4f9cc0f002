import Crypto
import Foundation
import KitchenModel
import StorageModel
import Traceability

/// The signed export for auditors (docs/ledgers.md "Export format"): JSON lines, UTF-8.
///
/// ```
/// {"exported_ms":...,"format":"bk-ledger-export-1"}
/// {"at_ms":...,"body":"{...}","corrects":null,"hash":"...","kind":"morning-check","prev":"...","recorded_ms":...,"seq":1,"site":"...","source":"...","type":"entry"}
/// {"day":"2026-12-05","hash":"...","key":"0","seq":7,"sig":"...","site":"...","type":"head"}
/// {"digest":"<sha256 of every byte before this line>","entries":7,"heads":1,"key":"0","sig":"...","type":"end"}
/// ```
/// Entries keep the body as the exact string that was hashed. The last line signs the digest of
/// everything before it, so a dropped, added or edited line anywhere is caught even without the
/// chain; the chain and the day heads are then checked entry by entry as in the store.
public enum LedgerExport {
    public static let format = "bk-ledger-export-1"

    /// One site's chain, whole (`fromSeq` 1) or from an entry on (then anchored), with its heads.
    public struct Section: Sendable {
        public var site: SiteID
        public var entries: [ChainEntry]
        public var heads: [LedgerDayHead]

        public init(site: SiteID, entries: [ChainEntry], heads: [LedgerDayHead]) {
            self.site = site
            self.entries = entries
            self.heads = heads
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    /// What a file holds, and what its last line says of it.
    public struct Parsed: Sendable {
        public var sections: [Section]
        /// Problems with the file as a whole (digest, trailer, signature), before any chain check.
        public var fileProblems: [String]
        public var trailerSigned: Bool
    }

    private struct Line: Codable {
        var type: String?
        var format: String?
        var exported_ms: Int64?
        var site: String?
        var seq: Int64?
        var kind: String?
        var at_ms: Int64?
        var recorded_ms: Int64?
        var source: String?
        var corrects: Int64?
        var body: String?
        var prev: String?
        var hash: String?
        var day: String?
        var key: String?
        var sig: String?
        var digest: String?
        var entries: Int?
        var heads: Int?
    }

    public static func write(_ sections: [Section], keyring: TicketKeyring, exportedAt: EpochMillis) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ value: Line) -> String {
            // Encoding a struct of strings and integers cannot fail.
            String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
        }
        var text = line(Line(format: format, exported_ms: exportedAt))
        var entryCount = 0
        var headCount = 0
        for section in sections {
            for e in section.entries {
                text += line(Line(type: "entry", site: e.site.rawValue, seq: e.seq, kind: e.kind, at_ms: e.at,
                                  recorded_ms: e.recordedAt, source: e.source, corrects: e.corrects, body: e.body,
                                  prev: e.prev, hash: e.hash))
                entryCount += 1
            }
            for h in section.heads {
                text += line(Line(type: "head", site: h.site.rawValue, seq: h.seq, hash: h.hash, day: h.day, key: h.keyID,
                                  sig: h.signature))
                headCount += 1
            }
        }
        let digest = digestHex(text)
        let (keyID, signature) = keyring.signLedgerHead(trailerMessage(digest: digest, entries: entryCount, heads: headCount))
        return text + line(Line(type: "end", key: keyID.description, sig: signature, digest: digest, entries: entryCount,
                                heads: headCount))
    }

    /// Reads a file written by ``write(_:keyring:exportedAt:)``. A line that is not what the format
    /// says is a parse error; a file whose digest or signature fails is returned with `fileProblems`.
    public static func parse(_ text: String, keyring: TicketKeyring?) throws(ParseError) -> Parsed {
        let decoder = JSONDecoder()
        var sections: [Section] = []
        var fileProblems: [String] = []
        var trailerSigned = false
        var consumed = 0   // bytes before the current line
        var sawEnd = false
        var entryCount = 0
        var headCount = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            defer { consumed += raw.utf8.count + 1 }
            if raw.isEmpty && index == lines.count - 1 { break }
            guard !sawEnd else { throw ParseError(line: number, problem: "data after the end line") }
            let line: Line
            do { line = try decoder.decode(Line.self, from: Data(raw.utf8)) } catch {
                throw ParseError(line: number, problem: "not a JSON object of this format")
            }
            if index == 0 {
                guard line.format == format else { throw ParseError(line: 1, problem: "not a \(format) file") }
                continue
            }
            switch line.type {
            case "entry":
                guard let siteText = line.site, let site = SiteID(siteText), let seq = line.seq, let kind = line.kind,
                      let at = line.at_ms, let recorded = line.recorded_ms, let source = line.source, let body = line.body,
                      let prev = line.prev, let hash = line.hash
                else { throw ParseError(line: number, problem: "an entry line lacks a field") }
                let entry = ChainEntry(site: site, seq: seq, kind: kind, at: at, recordedAt: recorded, source: source,
                                        corrects: line.corrects, body: body, prev: prev, hash: hash)
                sections[section(for: site, in: &sections)].entries.append(entry)
                entryCount += 1
            case "head":
                guard let siteText = line.site, let site = SiteID(siteText), let seq = line.seq, let hash = line.hash,
                      let day = line.day, let key = line.key, let sig = line.sig
                else { throw ParseError(line: number, problem: "a head line lacks a field") }
                sections[section(for: site, in: &sections)].heads.append(
                    LedgerDayHead(site: site, day: day, seq: seq, hash: hash, keyID: key, signature: sig))
                headCount += 1
            case "end":
                sawEnd = true
                let before = String(decoding: Array(text.utf8.prefix(consumed)), as: UTF8.self)
                let digest = digestHex(before)
                if line.digest != digest {
                    fileProblems.append("the file's lines were changed, added or removed: their digest is not the one the end line signs")
                }
                if line.entries != entryCount || line.heads != headCount {
                    fileProblems.append("the end line counts \(line.entries ?? 0) entries and \(line.heads ?? 0) heads, "
                                        + "the file holds \(entryCount) and \(headCount)")
                }
                if let keyring, let key = line.key.flatMap(TicketKeyID.init(symbol:)), let sig = line.sig {
                    let message = trailerMessage(digest: line.digest ?? "", entries: line.entries ?? -1, heads: line.heads ?? -1)
                    switch keyring.verifyLedgerHead(message, keyID: key, signature: sig) {
                    case true?: trailerSigned = true
                    case false?: fileProblems.append("the end line's signature is not genuine")
                    case nil: fileProblems.append("the end line is signed with key \(line.key ?? "?"), which the keyring lacks")
                    }
                } else if keyring != nil {
                    fileProblems.append("the end line has no usable key or signature")
                }
            default:
                throw ParseError(line: number, problem: "unknown line type '\(line.type ?? "")'")
            }
        }
        if !sawEnd { fileProblems.append("the file has no end line: it was cut short") }
        return Parsed(sections: sections, fileProblems: fileProblems, trailerSigned: trailerSigned)
    }

    /// Parses and checks every site's chain in a file; the sections may start after seq 1.
    public static func verify(_ text: String, keyring: TicketKeyring?) throws(ParseError)
        -> (fileProblems: [String], trailerSigned: Bool, sites: [LedgerVerification]) {
        let parsed = try parse(text, keyring: keyring)
        let sites = parsed.sections.map { section in
            LedgerVerifier.verify(site: section.site, entries: section.entries, heads: section.heads, keyring: keyring,
                                  anchored: true)
        }
        return (parsed.fileProblems, parsed.trailerSigned, sites)
    }

    /// The index of `site`'s section, added at the end on its first line.
    private static func section(for site: SiteID, in sections: inout [Section]) -> Int {
        if let index = sections.firstIndex(where: { $0.site == site }) { return index }
        sections.append(Section(site: site, entries: [], heads: []))
        return sections.count - 1
    }

    static func trailerMessage(digest: String, entries: Int, heads: Int) -> [UInt8] {
        Array("bk-ledger-export-1\n\(digest.utf8.count):\(digest)\n\(entries)\n\(heads)\n".utf8)
    }

    static func digestHex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }
}
