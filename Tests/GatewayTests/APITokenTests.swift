import Gateway
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing
import WebAPI

/// `Store.createToken` mints by `TokenPolicy`; storage keeps only the hash.
@Suite struct APITokenTests {
    @Test func issuesPolicyTokensThatAuthenticateUntilRevoked() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let (token, record) = try store.createToken(role: .regulator, scope: "4201", label: "Wuhan", now: 1_000)
        #expect(token.hasPrefix("bk_") && token.utf8.count == 46)
        #expect(try store.authenticateBearer(token) == Principal(role: .regulator, scope: "4201", tokenID: record.id))
        #expect(try store.authenticateBearer(token + "x") == nil)
        #expect(try store.revokeToken(id: record.id, now: 2_000))
        #expect(try store.authenticateBearer(token) == nil)
    }

    @Test func refusesInconsistentScopesBeforeStoringAnything() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        #expect(throws: Principal.ScopeError.scopeRequired(.site)) { try store.createToken(role: .site, scope: nil, now: 1_000) }
        #expect(try store.tokens().isEmpty)
    }

    /// A stored hash of something the policy would never mint is not even looked up for a bearer.
    @Test func bearerLookupSkipsMalformedTokens() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        _ = try store.storeToken("not-a-bk-token", role: .admin, scope: nil, now: 1_000)
        #expect(try store.authenticate(token: "not-a-bk-token")?.role == .admin)
        #expect(try store.authenticateBearer("not-a-bk-token") == nil)
    }
}
