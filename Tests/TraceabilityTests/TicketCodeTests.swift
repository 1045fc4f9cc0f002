import Testing
@testable import Traceability

@Suite("Ticket codes")
struct TicketCodeTests {
    let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test("a code matches the documented format byte for byte (HMAC computed independently)")
    func knownAnswer() throws {
        let code = try Fixtures.fixedKeyring().mint(TicketID(rawValue: 0x0123456789ABCDE)!)
        // Python: hmac.new(bytes(range(32)), b"BK-TICKET-1" + b"\x01" + id.to_bytes(8, "big"), sha256),
        // first 8 bytes >> 4, each part in Crockford base32.
        #expect(code.text == "104HMASW9NF6Y57SSTA162WW8")
    }

    @Test("minted codes have 25 symbols of the alphabet, key id first, and verify")
    func mintedCodesVerify() throws {
        let keyring = try Fixtures.fixedKeyring()
        for _ in 0..<200 {
            let code = keyring.mint()
            #expect(code.text.count == TicketCode.length)
            #expect(code.text.allSatisfy(alphabet.contains))
            #expect(code.text.first == "1")
            let verified = try keyring.verify(code.text)
            #expect(verified == code)
        }
    }

    @Test("changing any one character to any other symbol is rejected")
    func everyTamperIsRejected() throws {
        let keyring = try Fixtures.fixedKeyring()
        let code = Array(keyring.mint().text)
        for position in code.indices {
            for symbol in alphabet where symbol != code[position] {
                var forged = code
                forged[position] = symbol
                let error = #expect(throws: TicketCodeError.self) { try keyring.verify(String(forged)) }
                // The first symbol is the key id: another id is unknown to this keyring.
                #expect(error == (position == 0 ? .unknownKeyID(TicketKeyID(symbol: String(symbol))!) : .badSignature))
            }
        }
    }

    @Test("input is case-insensitive and O, I, L read as 0, 1, 1")
    func forgivingInput() throws {
        let keyring = try Fixtures.fixedKeyring()
        let code = keyring.mint(TicketID(rawValue: 0x0123456789ABCDE)!)
        #expect(try keyring.verify(code.text.lowercased()) == code)
        let typed = code.text.replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
        #expect(typed != code.text)
        #expect(try keyring.verify(typed).text == code.text)
    }

    @Test("malformed input says what is wrong", arguments: [
        ("", TicketCodeError.wrongLength(actual: 0, expected: 25)),
        ("104HMASW9NF6Y57SSTA162WW", .wrongLength(actual: 24, expected: 25)),
        ("104HMASW9NF6Y57SSTA162WW88", .wrongLength(actual: 26, expected: 25)),
        ("104HMASW9NF6Y57SSTA162WWU", .invalidCharacter("U", offset: 24)),
        ("104HMASW9NF6Y57SSTA162-W8", .invalidCharacter("-", offset: 22)),
        ("鲜04HMASW9NF6Y57SSTA162WW8", .invalidCharacter("鲜", offset: 0)),
        (" 04HMASW9NF6Y57SSTA162WW8", .invalidCharacter(" ", offset: 0)),
    ])
    func malformed(input: String, expected: TicketCodeError) throws {
        let keyring = try Fixtures.fixedKeyring()
        let error = #expect(throws: TicketCodeError.self) { try keyring.verify(input) }
        #expect(error == expected)
    }

    @Test("a code from another keyring with the same key id is a bad signature")
    func foreignKey() throws {
        let other = TicketKeyring.generate(activeKeyID: TicketKeyID(rawValue: 1)!)
        let code = other.mint()
        let error = #expect(throws: TicketCodeError.self) { try Fixtures.fixedKeyring().verify(code.text) }
        #expect(error == .badSignature)
    }

    @Test("a code naming a key id the keyring lacks is an unknown key")
    func unknownKeyID() throws {
        let code = TicketKeyring.generate(activeKeyID: TicketKeyID(rawValue: 7)!).mint()
        let error = #expect(throws: TicketCodeError.self) { try Fixtures.fixedKeyring().verify(code.text) }
        #expect(error == .unknownKeyID(TicketKeyID(rawValue: 7)!))
    }

    @Test("random ticket ids use all 60 bits and never more")
    func ticketIDRange() {
        var seen: UInt64 = 0
        for _ in 0..<1_000 {
            let id = TicketID.random().rawValue
            #expect(id <= TicketID.maxRawValue)
            seen |= id
        }
        #expect(seen == TicketID.maxRawValue)
        #expect(TicketID(rawValue: TicketID.maxRawValue + 1) == nil)
    }

    @Test("the lookup URL is upper case, alphanumeric and at most 36 characters of base")
    func lookupURL() throws {
        let url = try TicketLookupURL(base: "https://trace.example-market.cn/t")
        #expect(url.base == Fixtures.realisticBase)
        let code = try Fixtures.fixedKeyring().mint(TicketID(rawValue: 1)!)
        #expect(url.url(for: code) == Fixtures.realisticBase + code.text)
        #expect(throws: TicketLookupURLError.notAlphanumeric("?")) { try TicketLookupURL(base: "https://a.cn/?t=") }
        #expect(throws: TicketLookupURLError.tooLong(length: 37, maximum: 36)) {
            try TicketLookupURL(base: "HTTPS://TRACE.EXAMPLE-MARKETS.CN/T12/")
        }
        #expect(try TicketLookupURL(base: "HTTPS://TRACE.EXAMPLE-MARKETS.CN/T1/").base.count == 36)
    }
}
