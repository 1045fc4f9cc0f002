import Foundation
import KitchenModel
import Testing

/// `SiteID` / `DeviceID` validate their text over its contiguous UTF-8 bytes (issue 13 item 8);
/// they must accept exactly what the rule did before: 1–64 bytes of `a-z 0-9 - _`.
@Suite struct TopicSafeNameScanTests {
    /// The rule as it was written before the byte loop.
    private func reference(_ raw: String) -> Bool {
        guard !raw.isEmpty, raw.utf8.count <= 64 else { return false }
        return raw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
    }

    private var corpus: [String] {
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) }   // every ASCII character alone
        texts += (0..<128).map { "ab" + String(UnicodeScalar(UInt8($0))) + "9" }   // and inside an id
        texts += ["", "-", "_", "a-b_c", "site-01", "t-199", "Canteen", "é", "é".decomposedStringWithCanonicalMapping,
                  "厨房", "a\u{0}b", "a b", "a/b", "a+b", "#", "a\u{301}", "🍳"]
        for length in [1, 15, 16, 63, 64, 65, 200] {
            texts.append(String(repeating: "x", count: length))
            texts.append(String(repeating: "x", count: length - 1) + "X")
            texts.append(String(repeating: "é", count: length))
        }
        // Not a native small string: a slice of a large one, and a bridged one.
        let long = String(repeating: "abc-", count: 40)
        texts.append(String(long.prefix(20)))
        texts.append(String(long.dropFirst(100)))
        texts.append(NSString(string: "kitchen-7") as String)
        texts.append(NSString(string: "Kitchen 7") as String)
        return texts
    }

    @Test func acceptsExactlyWhatTheRuleAccepted() {
        for raw in corpus {
            #expect((SiteID(raw) != nil) == reference(raw), "\(raw.debugDescription)")
            #expect((DeviceID(raw) != nil) == reference(raw), "\(raw.debugDescription)")
        }
    }
}
