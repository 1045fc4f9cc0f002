import Foundation
import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing
import Traceability

/// `brightkitchen ledger verify|export` as an auditor runs them: the real binary on a real store.
@Suite struct LedgerCommandTests {
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    @Test func verifyAndExportThenCatchTamperingInTheFileAndTheDatabase() throws {
        let f = try LedgerFixture(.sqlite)
        try f.fill(days: 2, perDay: 4)
        let keys = f.dir.file("ticket-keys")
        try f.keyring.text.write(toFile: keys, atomically: true, encoding: .utf8)
        let store = ["--database", f.sqlitePath, "--keys", keys]

        let intact = try runTool(binary, ["ledger", "verify", "--site", "canteen-01"] + store)
        #expect(intact.status == 0, "\(intact.output)\(intact.errors)")
        #expect(intact.output.contains("intact canteen-01: 8 entries, 2 day heads, 2 signatures genuine"))

        let file = f.dir.file("canteen-01.jsonl")
        let export = try runTool(binary, ["ledger", "export", "--site", "canteen-01", "--output", file] + store)
        #expect(export.status == 0, "\(export.errors)")
        let fromFile = try runTool(binary, ["ledger", "verify", "--file", file, "--keys", keys])
        #expect(fromFile.status == 0 && fromFile.output.contains("intact canteen-01"), "\(fromFile.output)\(fromFile.errors)")
        let noKeys = try runTool(binary, ["ledger", "verify", "--file", file])
        #expect(noKeys.status == 2 && noKeys.output.contains("NOT checked"), "\(noKeys.output)")

        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: "w-0-2", with: "w-0-X")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let alteredFile = try runTool(binary, ["ledger", "verify", "--file", file, "--keys", keys])
        #expect(alteredFile.status == 1)
        #expect(alteredFile.output.contains("BROKEN canteen-01: first broken entry #3"), "\(alteredFile.output)")

        try f.disableGuards()
        try f.raw("DELETE FROM ledger_entry WHERE seq = 5")
        let alteredStore = try runTool(binary, ["ledger", "verify", "--site", "canteen-01"] + store)
        #expect(alteredStore.status == 1)
        #expect(alteredStore.output.contains("first broken entry #5"), "\(alteredStore.output)")
    }
}
