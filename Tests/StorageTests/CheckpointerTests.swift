import Foundation
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct CheckpointerTests {
    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    @Test func foldsTheWALIntoTheDatabaseFromItsOwnThread() throws {
        let dir = TemporaryDirectory("bk-checkpoint")
        let path = dir.file("bk.sqlite")
        let store = try Store(path: path, automaticCheckpoints: false)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let before = fileSize(path)
        try writer.submitAndWait((1...5_000).map { thermo(Int64($0), t: 3 + Double($0 % 10) / 10) })
        #expect(fileSize(path + "-wal") > 500_000, "commits alone leave everything in the WAL")
        #expect(fileSize(path) == before, "and nothing in the database file")

        let checkpointer = Checkpointer(path: path, interval: .milliseconds(20), minimumWALBytes: 64 * 1024,
                                        logger: Logger(label: "test"))
        try checkpointer.start()
        defer { checkpointer.stop() }
        #expect(eventually(timeout: .seconds(5)) { fileSize(path) > before + 300_000 },
                "the checkpointer copied the pages into the database file")
        try writer.submitAndWait([thermo(5_001, t: 4)])
        #expect(try store.counts().readings == 5_001, "writers carry on beside it")
    }
}
