import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// Minting and who may hold a token are `TokenPolicy` (KitchenRulesTests) and `Store.createToken`
/// (GatewayTests); storage keeps hashes.
@Suite struct TokenTests {
    static let token = "bk_" + String(repeating: "Q", count: 43)

    @Test(arguments: StoreBackend.allCases) func storesTokensThatAuthenticateUntilRevoked(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let token = Self.token
        let record = try store.storeToken(token, role: .regulator, scope: "4201", label: "Wuhan", now: hourStart)
        #expect(try store.tokens() == [record])
        #expect(try store.authenticate(token: token) == Principal(role: .regulator, scope: "4201", tokenID: record.id))
        #expect(try store.authenticate(token: token + "x") == nil)
        #expect(try store.revokeToken(id: record.id, now: hourStart))
        #expect(try store.authenticate(token: token) == nil)
        #expect(try !store.revokeToken(id: record.id, now: hourStart))
    }

    @Test func neverStoresThePlaintext() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let token = Self.token
        _ = try store.storeToken(token, role: .admin, scope: nil, now: hourStart)
        try store.checkpoint()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.path)))
        #expect(!bytes.contains(subsequence: Array(token.utf8)))
    }
}

@Suite struct RetentionTests {
    @Test(arguments: StoreBackend.allCases) func deletesRawReadingsButKeepsRollups(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        let day: EpochMillis = 86_400_000
        try f.writer.submitAndWait([
            thermo(1, t: 3, at: hourStart - 40 * day),
            thermo(2, t: 4, at: hourStart - 10 * day),
            thermo(3, t: 5, at: hourStart),
        ])
        let result = try f.store.applyRetention(RetentionPolicy(rawReadingDays: 30, rollupDays: 730), now: hourStart)
        #expect(result.readingsDeleted == 1)
        #expect(result.rollupsDeleted == 0)
        #expect(try f.store.readings(of: fridge).map(\.seq) == [2, 3])
        #expect(try f.store.rollups(of: fridge, metric: "t", since: 0).count == 3)
        let later = try f.store.applyRetention(RetentionPolicy(rawReadingDays: 30, rollupDays: 20), now: hourStart)
        #expect(later.rollupsDeleted == 2)  // t and rh of the oldest hour
    }
}

extension Array where Element: Equatable {
    func contains(subsequence: [Element]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
