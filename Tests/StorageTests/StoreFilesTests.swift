import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// Issue 20 item 5: only the gateway's user can read the store (sales, token hashes, evidence).
@Suite struct StoreFilesTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test func aFreshStoreIsTheOwnersOnly() throws {
        let dir = TemporaryDirectory("bk-store-modes")
        let path = dir.file("nested/data/bk.sqlite")
        let store = try Store(path: path)
        try store.setMeta("written", "yes")   // a write: the WAL and its index exist now
        #expect(try mode(dir.file("nested/data")) == 0o700)
        #expect(try mode(dir.file("nested")) == 0o700, "every directory the store created")
        #expect(try mode(path) == 0o600)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode(path + "-shm") == 0o600)
        #expect(store.permissionWarnings().isEmpty, "\(store.permissionWarnings())")
    }

    @Test func aStoreOpenToOthersIsReported() throws {
        let dir = TemporaryDirectory("bk-store-open")
        let path = dir.file("data/bk.sqlite")
        let store = try Store(path: path)
        try store.setMeta("written", "yes")
        #expect(chmod(path, 0o644) == 0)
        let warnings = store.permissionWarnings()
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("\(path) is readable by group or others (mode 644): chmod 600") == true, "\(warnings)")
        #expect(chmod(dir.file("data"), 0o755) == 0)
        #expect(store.permissionWarnings().contains { $0.hasPrefix(dir.file("data") + " is readable") })
        // Reopening does not quietly change what the operator set, and still reports it.
        let reopened = try Store(path: path)
        #expect(try mode(path) == 0o644)
        #expect(reopened.permissionWarnings().count == 2)
    }
}
