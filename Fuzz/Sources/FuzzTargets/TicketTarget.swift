import Traceability

/// `TicketKeyring.verify`, which every consumer lookup and receipt request runs on text from the
/// outside, against a keyring with an active and a retired key. The first input byte picks one
/// of two checks:
///
/// - even: the rest is a code as typed. Whatever verifies must be the canonical form of the
///   input (upper case, `O` → `0`, `I`/`L` → `1`) and verify again as itself.
/// - odd: a differential check. The next 8 bytes name a ticket; its genuine code is minted and
///   the remaining bytes, as (position, byte) pairs, overwrite symbols of it. The verifier must
///   reject the result unless it still reads as the same code: no mutation may forge a code.
public enum TicketTarget {
    /// Fixed secrets: a crash must reproduce, and the test is about parsing and comparison, not
    /// about key quality.
    static let keyring: TicketKeyring = {
        do {
            let retired = try TicketKey(id: TicketKeyID(rawValue: 0)!, secret: (0..<32).map { UInt8($0) })
            let active = try TicketKey(id: TicketKeyID(rawValue: 1)!, secret: (0..<32).map { UInt8(0xA5 ^ $0) })
            return try TicketKeyring(active: active, retired: [retired])
        } catch {
            fatalError("fuzz keyring: \(error)")
        }
    }()

    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        guard let mode = input.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: input[1...])
        if mode & 1 == 0 {
            try checkTyped(Array(rest))
        } else {
            try checkMutated(rest)
        }
    }

    static func checkTyped(_ bytes: [UInt8]) throws(FuzzFailure) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let code = try? keyring.verify(text) else { return }
        try require(canonical(bytes) == Array(code.text.utf8), "\(text) verified as \(code.text)")
        try require((try? keyring.verify(code.text)) == code, "\(code.text) does not verify as itself")
    }

    static func checkMutated(_ rest: UnsafeRawBufferPointer) throws(FuzzFailure) {
        guard rest.count >= 8 else { return }
        let raw = rest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & TicketID.maxRawValue
        let genuine = keyring.mint(TicketID(rawValue: raw)!)
        var symbols = Array(genuine.text.utf8)
        var index = 8
        while index + 1 < rest.count {
            symbols[Int(rest[index]) % symbols.count] = rest[index + 1]
            index += 2
        }
        let text = String(decoding: symbols, as: UTF8.self)
        guard let verified = try? keyring.verify(text) else { return }
        try require(verified == genuine && canonical(symbols) == Array(genuine.text.utf8),
                       "mutated \(genuine.text) into \(text), which verified as \(verified.text)")
    }

    /// The reading the code format documents: ASCII letters upper-cased, look-alikes folded.
    static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { byte in
            let upper = (0x61...0x7A).contains(byte) ? byte - 0x20 : byte
            switch upper {
            case 0x4F: return 0x30            // O → 0
            case 0x49, 0x4C: return 0x31      // I, L → 1
            default: return upper
            }
        }
    }
}
