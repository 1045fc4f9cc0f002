import Testing
import Traceability

/// Fingerprints name a secret without revealing it; rotation never reuses an id a store has seen.
@Suite struct TicketKeyFingerprintTests {
    let secret: [UInt8] = (0..<32).map { UInt8($0) }

    @Test func theFingerprintDependsOnIdAndSecretAndIsNotTheSecret() throws {
        let key = try TicketKey(id: TicketKeyID(rawValue: 0)!, secret: secret)
        let same = try TicketKey(id: TicketKeyID(rawValue: 0)!, secret: secret)
        let otherID = try TicketKey(id: TicketKeyID(rawValue: 1)!, secret: secret)
        let otherSecret = try TicketKey(id: TicketKeyID(rawValue: 0)!, secret: secret.map { $0 ^ 1 })
        #expect(key.fingerprint == same.fingerprint)
        #expect(key.fingerprint.count == 64 && key.fingerprint.allSatisfy(\.isHexDigit))
        #expect(Set([key.fingerprint, otherID.fingerprint, otherSecret.fingerprint]).count == 3)
        let keyring = try TicketKeyring(active: key)
        #expect(!keyring.text.contains(key.fingerprint), "the file's hex is the secret, not the fingerprint")
        // Domain-separated: not the plain SHA-256 of the secret (which another tool might publish).
        #expect(key.fingerprint != "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
    }

    @Test func rotationSkipsIdsTheStoreHasSeen() throws {
        let keyring = TicketKeyring.generate()
        #expect(try keyring.rotated().activeKey.id == TicketKeyID(rawValue: 1)!)
        let seen: Set<TicketKeyID> = [TicketKeyID(rawValue: 1)!, TicketKeyID(rawValue: 2)!]
        let rotated = try keyring.rotated(avoiding: seen)
        #expect(rotated.activeKey.id == TicketKeyID(rawValue: 3)!)
        #expect(rotated.retiredKeys.map(\.id) == [TicketKeyID(rawValue: 0)!])
        let everyOther = Set((1..<TicketKeyID.count).map { TicketKeyID(rawValue: UInt8($0))! })
        #expect(throws: TicketKeyringError.noFreeKeyID) { try keyring.rotated(avoiding: everyOther) }
    }

    @Test func refusalsNeverQuoteAMisplacedSecret() {
        let hex = String(repeating: "ab", count: 32)
        for text in ["active 0\nkey \(hex) 0\n", "\(hex)\nactive 0\n"] {
            do {
                _ = try TicketKeyring(text: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(!"\(error)".contains("abababababababab"), "\(error)")
            }
        }
    }
}
