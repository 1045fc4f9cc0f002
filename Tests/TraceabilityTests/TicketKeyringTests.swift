import Testing
@testable import Traceability

@Suite("Ticket keyring")
struct TicketKeyringTests {
    let id0 = TicketKeyID(rawValue: 0)!
    let id1 = TicketKeyID(rawValue: 1)!

    @Test("after rotation new codes use the new key and old codes still verify")
    func rotation() throws {
        let old = TicketKeyring.generate(activeKeyID: id0)
        let oldCode = old.mint()
        let rotated = try old.rotated()
        let newCode = rotated.mint()
        #expect(rotated.activeKey.id == id1)
        #expect(newCode.keyID == id1 && newCode.text.first == "1")
        #expect(try rotated.verify(oldCode.text) == oldCode)
        #expect(try rotated.verify(newCode.text) == newCode)
        // The old keyring has never seen the new key.
        #expect(throws: TicketCodeError.unknownKeyID(id1)) { try old.verify(newCode.text) }
        // Dropping the retired key revokes its codes.
        let pruned = try rotated.removingKey(id0)
        #expect(throws: TicketCodeError.unknownKeyID(id0)) { try pruned.verify(oldCode.text) }
        #expect(throws: TicketKeyringError.cannotRemoveActiveKey(id1)) { try rotated.removingKey(id1) }
    }

    @Test("rotation skips ids still in use and stops when all 32 are taken")
    func rotationRunsOutOfIDs() throws {
        var keyring = TicketKeyring.generate(activeKeyID: TicketKeyID(rawValue: 31)!)
        for expected in 0..<31 {
            keyring = try keyring.rotated()
            #expect(keyring.activeKey.id.rawValue == UInt8(expected))
        }
        #expect(keyring.keyIDs.count == 32)
        #expect(throws: TicketKeyringError.noFreeKeyID) { try keyring.rotated() }
        let freed = try keyring.removingKey(TicketKeyID(rawValue: 5)!)
        #expect(try freed.rotated().activeKey.id.rawValue == 5)
    }

    @Test("the text format round-trips every key")
    func textRoundTrip() throws {
        let keyring = try TicketKeyring.generate(activeKeyID: id0).rotated().rotated()
        let codes = (0..<3).map { _ in keyring.mint() }
        let reloaded = try TicketKeyring(text: keyring.text)
        #expect(reloaded.activeKey.id == keyring.activeKey.id)
        #expect(reloaded.keyIDs.sorted() == keyring.keyIDs.sorted())
        #expect(reloaded.text == keyring.text)
        for code in codes { #expect(try reloaded.verify(code.text) == code) }
    }

    @Test("a hand-written file with comments, tabs, CRLF and upper-case hex loads")
    func handWrittenFile() throws {
        let hex = String(repeating: "AB", count: 32)
        let keyring = try TicketKeyring(text: "# keys\r\n\r\nkey 0\t\(hex)\r\n  active 0\r\n")
        #expect(keyring.activeKey.id == id0 && keyring.retiredKeys.isEmpty)
    }

    @Test("broken files are refused with the line and reason", arguments: [
        ("key 0 " + String(repeating: "ab", count: 31), TicketKeyringError.keyTooShort(TicketKeyID(rawValue: 0)!, byteCount: 31)),
        ("active 0\nkey 0 abc", .invalidHex(line: 2)),
        ("active 0\nkey 0 " + String(repeating: "zz", count: 32), .invalidHex(line: 2)),
        ("key 0 " + String(repeating: "ab", count: 32), .noActiveLine),
        ("active 2\nkey 0 " + String(repeating: "ab", count: 32), .activeKeyMissing(TicketKeyID(rawValue: 2)!)),
        ("active 0\nactive 0", .repeatedActiveLine(line: 2)),
        ("active 0\nsecret 0 00", .unknownDirective(line: 2, word: "secret")),
        ("active", .wrongFieldCount(line: 1, expected: "active <id>")),
        ("active 0\nkey 0", .wrongFieldCount(line: 2, expected: "key <id> <hex>")),
        ("active U", .malformedKeyID(line: 1, text: "U")),
        ("active o", .malformedKeyID(line: 1, text: "o")),
        ("active 10", .malformedKeyID(line: 1, text: "10")),
        ("active 0\nkey 0 " + String(repeating: "ab", count: 32) + "\nkey 0 " + String(repeating: "cd", count: 32),
         .duplicateKeyID(TicketKeyID(rawValue: 0)!)),
    ])
    func brokenFiles(text: String, expected: TicketKeyringError) {
        let error = #expect(throws: TicketKeyringError.self) { try TicketKeyring(text: text) }
        #expect(error == expected)
    }

    @Test("error messages never echo secret material")
    func errorsHideSecrets() {
        let secret = String(repeating: "5a", count: 31) + "5g"
        let error = #expect(throws: TicketKeyringError.self) { try TicketKeyring(text: "active 0\nkey 0 \(secret)") }
        #expect(error.map { !"\($0)".contains("5a5a") } == true)
    }

    @Test("keys shorter than 32 bytes are refused")
    func shortKeys() {
        #expect(throws: TicketKeyringError.keyTooShort(id0, byteCount: 16)) {
            try TicketKey(id: id0, secret: [UInt8](repeating: 1, count: 16))
        }
        #expect(throws: Never.self) { try TicketKey(id: id0, secret: [UInt8](repeating: 1, count: 32)) }
    }
}
