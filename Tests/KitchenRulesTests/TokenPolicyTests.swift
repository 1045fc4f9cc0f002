import KitchenModel
@testable import KitchenRules
import Testing

@Suite("API token policy")
struct TokenPolicyTests {
    /// A fixed sequence of 64-bit words (SplitMix64), so minting is reproducible here.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mintedTokensAreBk256BitBase64URL() {
        var generator = Seeded(state: 1)
        let token = TokenPolicy.mint(using: &generator)
        #expect(token.hasPrefix("bk_"))
        #expect(token.utf8.count == 3 + 43, "32 bytes are 43 unpadded base64url characters")
        #expect(token.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(TokenPolicy.isWellFormed(token))
        #expect(TokenPolicy.mint(using: &generator) != token)
        #expect(TokenPolicy.mint() != TokenPolicy.mint())
    }

    @Test func base64URLMatchesRFC4648() {
        // RFC 4648 §10 vectors, in the URL alphabet and unpadded.
        #expect(TokenPolicy.base64URL(Array("f".utf8)) == "Zg")
        #expect(TokenPolicy.base64URL(Array("fo".utf8)) == "Zm8")
        #expect(TokenPolicy.base64URL(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(TokenPolicy.base64URL([0xFB, 0xFF]) == "-_8")
    }

    @Test func onlyPlausibleTokensAreLookedUp() {
        #expect(!TokenPolicy.isWellFormed("abc"))
        #expect(!TokenPolicy.isWellFormed("bk_" + String(repeating: "a", count: 197)))
        #expect(TokenPolicy.isWellFormed("bk_" + String(repeating: "a", count: 196)))
    }

    @Test func refusesInconsistentScopes() {
        #expect(throws: Principal.ScopeError.scopeRequired(.site)) { try TokenPolicy.checkIssuable(role: .site, scope: nil) }
        #expect(throws: Principal.ScopeError.scopeNotAllowed) { try TokenPolicy.checkIssuable(role: .admin, scope: "42") }
        #expect(throws: Never.self) { try TokenPolicy.checkIssuable(role: .regulator, scope: "4201") }
    }
}
