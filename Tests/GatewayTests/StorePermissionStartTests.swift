import Foundation
import Storage
import StorageModel
import TestSupport
import Testing

/// Issue 20 item 5 at start: `serve` says when the database can be read by other users.
@Suite(.serialized) struct StorePermissionStartTests {
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    func startAndRead(_ dir: TemporaryDirectory, data: String) async throws -> String {
        try """
            sites:
              - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
            """.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let port = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", data,
            "--http-port", "\(port)", "--insecure-broker",
        ], logDirectory: dir.path)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: port)
        gateway.terminate(timeout: .seconds(15))
        return gateway.stderr
    }

    @Test func aFreshStoreStartsQuietlyAnOpenOneIsReported() async throws {
        let dir = TemporaryDirectory("bk-store-perm")
        let data = dir.file("data")
        let quiet = try await startAndRead(dir, data: data)
        #expect(!quiet.contains("database files are open to other users"), "\(quiet)")
        let database = data + "/brightkitchen.sqlite"
        #expect(chmod(database, 0o644) == 0)
        let warned = try await startAndRead(dir, data: data)
        #expect(warned.contains("database files are open to other users"), "\(warned)")
        #expect(warned.contains("\(database) is readable by group or others (mode 644)"))
    }
}
