import Foundation
import StorageModel
import TestSupport
import Testing

/// Issue 15: a wrong URL, a missing password file, a wrong password or a schema newer than the
/// binary refuses `serve` with a message that says what to do, before anything else starts.
@Suite(.serialized) struct StoreStartRefusalTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo}
        """
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    func refusal(_ store: [String], in dir: TemporaryDirectory) throws -> String {
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(freePort())",
            "--allow-loopback-public-url", "--insecure-broker",
        ] + store, logDirectory: dir.path)
        defer { gateway.kill() }
        #expect(eventually(timeout: .seconds(30)) { !gateway.isRunning }, "serve must refuse")
        #expect(gateway.process.terminationStatus != 0)
        #expect(!FileManager.default.fileExists(atPath: dir.file("mosquitto/mosquitto.conf")), "no broker before the store")
        return gateway.stderr
    }

    @Test func anUnknownSchemeNamesTheFormsThatWork() throws {
        let dir = TemporaryDirectory("bk-refuse")
        let stderr = try refusal(["--database", "mysql://bk@127.0.0.1/bk"], in: dir)
        #expect(stderr.contains("unknown database scheme 'mysql://'") && stderr.contains("postgres://"), "\(stderr)")
    }

    @Test func postgresWithoutAKeyringPathAsksForOne() throws {
        let dir = TemporaryDirectory("bk-refuse")
        let stderr = try refusal(["--database", "postgres://bk@127.0.0.1:1/bk"], in: dir)
        #expect(stderr.contains("pass --ticket-keys FILE"), "\(stderr)")
    }

    @Test func aMissingPasswordFileIsNamed() throws {
        let dir = TemporaryDirectory("bk-refuse")
        let stderr = try refusal(["--database", "postgres://bk@127.0.0.1:1/bk", "--ticket-keys", dir.file("keys"),
                                  "--database-password-file", dir.file("nope")], in: dir)
        #expect(stderr.contains("password file \(dir.file("nope")) does not exist"), "\(stderr)")
    }

    @Test func aWrongPasswordIsRefusedWithoutLeakingIt() throws {
        let dir = TemporaryDirectory("bk-refuse")
        let server = try ThrowawayPostgres.shared()
        try "not-the-password".write(toFile: dir.file("pw"), atomically: true, encoding: .utf8)
        let stderr = try refusal(["--database", server.url(database: try server.createDatabase()),
                                  "--ticket-keys", dir.file("keys"), "--database-password-file", dir.file("pw")], in: dir)
        #expect(stderr.contains("password"), "\(stderr)")
        #expect(!stderr.contains("not-the-password"))
    }

    @Test func aSchemaNewerThanTheBinaryRefusesAndSaysWhatToDo() throws {
        let dir = TemporaryDirectory("bk-refuse")
        let server = try ThrowawayPostgres.shared()
        let database = try server.createDatabase()
        try ThrowawayPostgres.password.write(toFile: dir.file("pw"), atomically: true, encoding: .utf8)
        let store = ["--database", server.url(database: database), "--ticket-keys", dir.file("keys"),
                     "--database-password-file", dir.file("pw")]
        // A first start migrates the empty database; then a later release's migration appears.
        _ = try StoreOpenerProbe.open(server.url(database: database), passwordFile: dir.file("pw"))
        try server.psql("INSERT INTO bk_migration (name, applied_at) VALUES ('v99-from-the-future', now())", database: database)
        let stderr = try refusal(store, in: dir)
        #expect(stderr.contains("schema is newer than this binary") && stderr.contains("v99-from-the-future"), "\(stderr)")
    }
}

import Gateway

/// Opens a store the way `serve` does, to prepare a database for a refusal.
enum StoreOpenerProbe {
    static func open(_ database: String, passwordFile: String) throws -> any GatewayStore {
        try StoreOpener.open(database, passwordFile: passwordFile).store
    }
}
