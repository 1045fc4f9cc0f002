import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing
import Traceability

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 13 item 1: the ticket keyring follows the database, the database records the
/// fingerprint of every key that signed, and a start with a keyring that would turn printed codes
/// into "非正品" is refused with the database untouched. Real `brightkitchen serve` processes,
/// real mosquitto, real SQLite.
@Suite(.serialized) struct TicketKeyStartTests {
    static let registry = """
        sites:
          - id: market-01
            name: 洪山区珞狮路农贸市场
            kind: market
            region: "420111"
            stalls: [{id: A12, vendor: 王建国}]
        devices:
          - {id: scale-a12, site: market-01, kind: scale, stall: A12}
        """

    /// A broker, a registry, a database with one batch, and two working directories to start from.
    final class Fixture: @unchecked Sendable {
        let bench: GatewayBench
        let here: String
        let elsewhere: String
        var seq = 0
        var keyring: String { (bench.database as NSString).deletingLastPathComponent + "/ticket-keys" }

        init() throws {
            bench = try GatewayBench(registry: TicketKeyStartTests.registry)
            here = bench.dir.file("run-here")
            elsewhere = bench.dir.file("run-elsewhere")
            for path in [here, elsewhere] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            let store = try Store(path: bench.database)
            let now = SystemClock().now()
            try store.createBatch(Batch(
                id: BatchID("b-veg-01")!, site: SiteID("market-01")!, stall: "A12", item: "青菜", category: "蔬菜", quantity: 80,
                unit: "kg", supplier: Supplier(name: "蔡甸绿源蔬菜基地", licence: "JY14201140000001"),
                origin: Origin(place: "湖北省武汉市蔡甸区", producer: "蔡甸绿源蔬菜基地", regionCode: "420114"),
                arrivalDate: "2026-11-22",
                inspection: Inspection(method: .rapidTest, passed: true, items: ["农药残留"], tester: "快检室", at: now),
                createdAt: now, updatedAt: now), actor: "test")
        }

        /// `serve` with `--database` and no `--data-dir`, from `directory`: nothing else says where the keyring is.
        func start(from directory: String) throws -> ChildProcess {
            try ChildProcess(executable: bench.binary, arguments: [
                "serve", "--allow-loopback-public-url", "--config", bench.registryPath, "--broker", bench.broker.url,
                "--database", bench.database, "--http-port", "\(bench.httpPort)", "--log-level", "info",
            ], workingDirectory: directory, logDirectory: bench.dir.path)
        }

        /// A start that must be refused: the process exits non-zero on its own; its standard error.
        func refusedStart(from directory: String) throws -> String {
            let gateway = try start(from: directory)
            #expect(eventually(timeout: .seconds(30)) { !gateway.isRunning }, "the gateway must refuse to start")
            gateway.kill()
            #expect(gateway.process.terminationStatus != 0)
            return gateway.stderr
        }

        /// Sells one weighing and returns the code printed on it.
        func sell(through gateway: ChildProcess) async throws -> String {
            try await bench.waitUntilHealthy(gateway)
            let scale = try bench.deviceClient("scale-\(seq)")
            defer { scale.stop() }
            let replies = Mutex<[[UInt8]]>([])
            scale.onMessage { m in replies.withLock { $0.append(m.payload) } }
            try scale.subscribe("bk/v1/market-01/scale-a12/ticket", qos: 1)
            try await Task.sleep(for: .milliseconds(200))
            seq += 1
            let body = #"{"req":"r-\#(seq)","seq":\#(seq),"ts":\#(SystemClock().now()),"stall":"A12","batch":"b-veg-01","plu":"1002","grams":1250,"unit_price_fen":680}"#
            _ = try scale.publish(topic: "bk/v1/market-01/scale-a12/weigh", payload: Array(body.utf8), qos: 1)
            #expect(eventually(timeout: .seconds(10)) { !replies.withLock { $0.isEmpty } }, "a ticket reply")
            let reply = try #require(replies.withLock { $0.first })
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])
            return try #require(json["code"] as? String, "\(json)")
        }

        /// What the running gateway's public lookup says about a code.
        func isGenuine(_ code: String) async throws -> Bool {
            let url = URL(string: "http://127.0.0.1:\(bench.httpPort)/api/v1/tickets/\(code)")!
            let (data, _) = try await URLSession.shared.data(from: url)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return json?["genuine"] as? Bool == true
        }

        func databaseBytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: bench.database)) }

        func cli(_ arguments: [String]) throws -> ToolRun { try runTool(bench.binary, arguments) }
    }

    @Test func restartFromAnotherDirectoryKeepsCodesGenuineAndBadKeyringsAreRefused() async throws {
        let f = try Fixture()
        defer { f.bench.tearDown() }
        var gateway = try f.start(from: f.here)
        let code = try await f.sell(through: gateway)
        gateway.terminate(timeout: .seconds(15))

        // The keyring lives beside the database, not under the working directory.
        #expect(FileManager.default.fileExists(atPath: f.keyring))
        #expect(!FileManager.default.fileExists(atPath: f.here + "/data/ticket-keys"))
        let original = try String(contentsOfFile: f.keyring, encoding: .utf8)
        let keys = try TicketKeyring(text: original)
        let recorded = try Store(path: f.bench.database).ticketKeys()
        #expect(recorded.mapValues(\.fingerprint) == ["0": keys.activeKey.fingerprint], "the signing key is on record")
        #expect(!recorded.values.contains { original.contains($0.fingerprint) } && !original.contains(keys.activeKey.fingerprint),
                "a fingerprint is not the secret")

        // Another working directory: same keyring, the code printed before is still genuine.
        gateway = try f.start(from: f.elsewhere)
        try await f.bench.waitUntilHealthy(gateway)
        #expect(try await f.isGenuine(code))
        #expect(!FileManager.default.fileExists(atPath: f.elsewhere + "/data/ticket-keys"))
        gateway.terminate(timeout: .seconds(15))
        #expect(gateway.process.terminationStatus == 0, "\(gateway.stderr.suffix(1500))")
        // Everything committed folded into the main file, so its bytes show any write a refused start makes.
        let sold = try Store(path: f.bench.database).tickets(batch: BatchID("b-veg-01")!)
        try Store(path: f.bench.database).checkpoint()
        let before = try f.databaseBytes()

        // Swapped: another secret under the same id.
        try TicketKeyring.generate().text.write(toFile: f.keyring, atomically: true, encoding: .utf8)
        var refusal = try f.refusedStart(from: f.elsewhere)
        #expect(refusal.contains("key id(s) 0 hold a different secret"), "\(refusal)")
        #expect(refusal.contains("Restore the keyring"))
        // Truncated mid-file: unreadable, and nothing replaced it.
        try String(original.prefix(original.count - 30)).write(toFile: f.keyring, atomically: true, encoding: .utf8)
        refusal = try f.refusedStart(from: f.here)
        #expect(refusal.contains("ticket keyring \(f.keyring)") && refusal.contains("not changed"), "\(refusal)")
        #expect(try String(contentsOfFile: f.keyring, encoding: .utf8) == String(original.prefix(original.count - 30)))
        // A keyring without the recorded id (a fresh one under another id).
        try TicketKeyring.generate(activeKeyID: TicketKeyID(rawValue: 3)!).text.write(toFile: f.keyring, atomically: true, encoding: .utf8)
        refusal = try f.refusedStart(from: f.here)
        #expect(refusal.contains("key id(s) 0 signed tickets or ledger heads in this database but are not in the keyring"), "\(refusal)")
        // Gone: no new key is generated for a database that has sold.
        try FileManager.default.removeItem(atPath: f.keyring)
        refusal = try f.refusedStart(from: f.here)
        #expect(refusal.contains("does not exist") && refusal.contains("key id(s) 0"), "\(refusal)")
        #expect(!FileManager.default.fileExists(atPath: f.keyring), "no key generated for a database with tickets")
        // Every byte but three header counters: opening a pool without a WAL file makes GRDB create
        // and drop a scratch table to get one, which bumps the change counter (24-27), the schema
        // cookie (40-43) and the version-valid-for number (92-95), and nothing else.
        let after = try f.databaseBytes()
        let counters = [24..<28, 40..<44, 92..<96]
        let differences = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            .filter { offset in !counters.contains { $0.contains(offset) } }
        #expect(after.count == before.count && differences.isEmpty,
                "refused starts write nothing to the database: \(before.count) vs \(after.count) bytes, differences at \(differences.prefix(8))")
        #expect(try Store(path: f.bench.database).tickets(batch: BatchID("b-veg-01")!) == sold && sold.count == 1)

        // The real keyring back: everything sold is still genuine.
        try original.write(toFile: f.keyring, atomically: true, encoding: .utf8)
        gateway = try f.start(from: f.here)
        try await f.bench.waitUntilHealthy(gateway)
        #expect(try await f.isGenuine(code))
        gateway.terminate(timeout: .seconds(15))
    }

    @Test func keysRotateSignsUnderANewIdAndOldCodesStayGenuine() async throws {
        let f = try Fixture()
        defer { f.bench.tearDown() }
        var gateway = try f.start(from: f.here)
        let old = try await f.sell(through: gateway)
        gateway.terminate(timeout: .seconds(15))
        #expect(old.hasPrefix("0"))

        // Drop nothing, rotate: found through --database alone, as serve finds it.
        let rotated = try f.cli(["keys", "rotate", "--database", f.bench.database])
        #expect(rotated.status == 0, "\(rotated.errors)")
        #expect(rotated.output.contains("active key is now 1; retired: 0"), "\(rotated.output)")

        gateway = try f.start(from: f.elsewhere)
        let new = try await f.sell(through: gateway)
        #expect(new.hasPrefix("1"), "the new key signs: \(new)")
        #expect(try await f.isGenuine(old))
        #expect(try await f.isGenuine(new))
        gateway.terminate(timeout: .seconds(15))
        #expect(Set(try Store(path: f.bench.database).ticketKeys().keys) == ["0", "1"])
        let verified = try f.cli(["verify", old, "--database", f.bench.database])
        #expect(verified.status == 0 && verified.output.hasPrefix("genuine: key 0"), "\(verified.output)\(verified.errors)")

        // An id the database has seen sign is never taken again, even once the keyring forgot it:
        // here key 1 is dropped from the keyring (as `removingKey` would), and 1 stays refused.
        let keys = try KeyringFile.load(path: f.keyring)
        let without1 = try TicketKeyring(active: try #require(keys.key(TicketKeyID(rawValue: 0)!)))
        try KeyringFile.save(without1, to: f.keyring)
        let refused = try f.cli(["keys", "rotate", "--database", f.bench.database])
        #expect(refused.status != 0 && refused.errors.contains("key id(s) 1 signed tickets"), "\(refused.errors)")
    }
}
