import KitchenModel
import Ledgers
import StorageModel
import Testing
import Traceability

/// The canonical form and the day arithmetic are a format: these pin them byte for byte.
@Suite struct LedgerChainTests {
    static let entry = ChainEntry(site: SiteID("canteen-01")!, seq: 2, kind: "morning-check", at: 1_000, recordedAt: 2_000,
                                   source: "api:张", corrects: 1, body: #"{"a":"x\ny"}"#, prev: String(repeating: "a", count: 64),
                                   hash: "")

    @Test func canonicalFormIsLengthPrefixedFieldsInAFixedOrder() {
        let expected = "bk-ledger-1\n10:canteen-01\n1:2\n13:morning-check\n4:1000\n4:2000\n7:api:张\n1:1\n"
            + "12:{\"a\":\"x\\ny\"}\n64:\(String(repeating: "a", count: 64))\n"
        #expect(LedgerChain.canonical(Self.entry) == Array(expected.utf8))
        var noCorrection = Self.entry
        noCorrection.corrects = nil
        #expect(String(decoding: LedgerChain.canonical(noCorrection), as: UTF8.self).contains("\n4:2000\n7:api:张\n0:\n"))
    }

    @Test func everyFieldChangesTheHash() {
        let base = LedgerChain.hash(Self.entry)
        #expect(base.count == 64 && base.allSatisfy { "0123456789abcdef".contains($0) })
        var variants: [ChainEntry] = []
        for change in 0..<8 {
            var e = Self.entry
            switch change {
            case 0: e.seq = 3
            case 1: e.kind = "morning-checks"
            case 2: e.at += 1
            case 3: e.recordedAt += 1
            case 4: e.source = "api:李"
            case 5: e.corrects = nil
            case 6: e.body = #"{"a":"x\ny "}"#
            default: e.prev = String(repeating: "b", count: 64)
            }
            variants.append(e)
        }
        #expect(Set(variants.map(LedgerChain.hash)).count == 8)
        #expect(!variants.map(LedgerChain.hash).contains(base))
    }

    @Test func daysAreChinaStandardTime() {
        // 2026-11-19 16:00 UTC is 2026-11-20 00:00 in Beijing.
        #expect(LedgerChain.day(of: 1_795_104_000_000) == "2026-11-20")
        #expect(LedgerChain.day(of: 1_795_104_000_000 - 1) == "2026-11-19")
        #expect(LedgerChain.day(of: 0) == "1970-01-01")
        #expect(LedgerChain.day(of: 951_782_400_000) == "2000-02-29")   // 2000-02-29 08:00 China
    }

    @Test func headSignaturesNeedTheKeyAndCoverEveryField() {
        let keyring = TicketKeyring.generate()
        let head = LedgerSigning.signer(keyring)(SiteID("canteen-01")!, "2026-11-20", 7, String(repeating: "c", count: 64))
        #expect(LedgerSigning.check(head, keyring: keyring) == true)
        #expect(LedgerSigning.check(head, keyring: TicketKeyring.generate()) == false, "another gateway's key 0")
        #expect(LedgerSigning.check(head, keyring: TicketKeyring.generate(activeKeyID: TicketKeyID(rawValue: 5)!)) == nil)
        for change in 0..<3 {
            var forged = head
            switch change {
            case 0: forged.seq = 8
            case 1: forged.day = "2026-11-21"
            default: forged.hash = String(repeating: "d", count: 64)
            }
            #expect(LedgerSigning.check(forged, keyring: keyring) == false)
        }
    }
}
