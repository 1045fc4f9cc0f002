import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// The writer is woken only when its lane's wait changes (issue 13 item 8): the first item of an
/// empty lane, an urgent one, a full batch. Items joining a lane that already waits ride with the
/// first; nothing may wait longer than before.
@Suite struct BatchWriterWakeTests {
    @Test(arguments: StoreBackend.allCases) func aFullBatchIsCommittedAtOnceWhateverTheDelay(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxDelay = .seconds(60)  // only a full batch can make these commit within the test
        options.maxBatch = 10
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        for seq in 1...10 { try f.writer.submit([thermo(Int64(seq), t: 3.0)]) }
        #expect(eventually(timeout: .seconds(10)) { (try? f.store.counts().readings) == 10 })
        // One more starts a new batch, which waits for its delay.
        try f.writer.submit([thermo(11, t: 3.0)])
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try f.store.counts().readings == 10)
    }

    @Test(arguments: StoreBackend.allCases) func itemsJoiningAWaitingLaneCommitWithTheFirst(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxDelay = .milliseconds(300)
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        for seq in 1...50 { try f.writer.submit([thermo(Int64(seq), t: 3.0)]) }
        #expect(eventually(timeout: .seconds(10)) { (try? f.store.counts().readings) == 50 })
    }
}
