import Foundation
import KitchenModel
import Storage
import TestSupport
import Testing

@Suite struct TokenTests {
    @Test func issuesTokensThatAuthenticateUntilRevoked() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let (token, record) = try store.createToken(role: .regulator, scope: "4201", label: "Wuhan", now: hourStart)
        #expect(token.hasPrefix("bk_"))
        #expect(try store.authenticate(token: token) == Principal(role: .regulator, scope: "4201", tokenID: record.id))
        #expect(try store.authenticate(token: token + "x") == nil)
        #expect(try store.revokeToken(id: record.id, now: hourStart))
        #expect(try store.authenticate(token: token) == nil)
        #expect(try !store.revokeToken(id: record.id, now: hourStart))
    }

    @Test func neverStoresThePlaintext() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let (token, _) = try store.createToken(role: .admin, scope: nil, now: hourStart)
        try store.checkpoint()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.path)))
        #expect(!bytes.contains(subsequence: Array(token.utf8)))
    }

    @Test func refusesInconsistentScopes() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        #expect(throws: Principal.ScopeError.self) { try store.createToken(role: .site, scope: nil, now: hourStart) }
    }
}

@Suite struct RetentionTests {
    @Test func deletesRawReadingsButKeepsRollups() throws {
        let f = try WriterFixture()
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
