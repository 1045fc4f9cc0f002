import Foundation
import Gateway
import Logging
import MQTTClient
import StorageModel
import TestSupport
import Testing

/// A real broker, a registry file and a database in a temp dir, and the real
/// `brightkitchen` binary started against them.
final class GatewayBench: @unchecked Sendable {
    // @unchecked Sendable: all fields are set once in init.
    let dir = TemporaryDirectory("bk-gw")
    let broker: MosquittoBroker
    let registryPath: String
    let backend: StoreBackend
    /// What `--database` gets: the SQLite file, or a PostgreSQL URL (password in `storeEnvironment`).
    let database: String
    let httpPort = freePort()
    let logger = Logger(label: "test")

    /// `autosaveSeconds`: how often the broker writes its persistence file (default 10 s).
    /// `postgres`: a server of the test's own (one it stops or restarts); the shared one otherwise.
    /// `standby`: listed after `postgres` in the URL, for the gateway to find once promoted.
    init(registry: String = "", autosaveSeconds: Int? = nil, backend: StoreBackend = .sqlite,
         postgres: ThrowawayPostgres? = nil, standby: ThrowawayPostgres? = nil) throws {
        self.backend = backend
        var options = MosquittoBroker.Options()
        options.dataDirectory = dir.file("broker")
        if let autosaveSeconds { options.autosaveIntervalSeconds = autosaveSeconds }
        broker = try MosquittoBroker.start(options: options, logger: logger)
        registryPath = dir.file("registry.yaml")
        switch backend {
        case .sqlite: database = dir.file("bk.sqlite")
        case .postgres:
            let server = try postgres ?? ThrowawayPostgres.shared()
            let name = try server.createDatabase()
            database = standby.map { server.url(database: name, thenTrying: [$0]) } ?? server.url(database: name)
            try ThrowawayPostgres.password.write(toFile: dir.file("database-password"), atomically: true, encoding: .utf8)
        }
        try writeRegistry(registry)
    }

    /// `--database` (and for PostgreSQL the password file) as the CLI's store commands take them.
    var storeCLIArguments: [String] {
        ["--database", database] + (backend == .postgres ? ["--database-password-file", passwordFile] : [])
    }

    /// What `serve` gets: the store, and a keyring path for a store that is not a file (beside the
    /// SQLite file otherwise, as by default).
    var storeArguments: [String] {
        storeCLIArguments + (backend == .postgres ? ["--ticket-keys", dir.file("ticket-keys")] : [])
    }

    /// The throw-away server's password, in a file as an operator would keep it.
    private var passwordFile: String { dir.file("database-password") }

    /// The gateway's store, opened as a second client would (the CLI, a restart).
    func openStore() throws -> any GatewayStore {
        try StoreOpener.open(database, passwordFile: backend == .postgres ? passwordFile : nil, logger: logger).store
    }

    func writeRegistry(_ yaml: String) throws {
        try yaml.write(toFile: registryPath, atomically: true, encoding: .utf8)
    }

    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    func startGateway(environment: [String: String] = [:], extraArguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", registryPath, "--broker", broker.url,
        ] + storeArguments + [
            "--data-dir", dir.path, "--http-port", "\(httpPort)", "--log-level", "info",
        ] + extraArguments, environment: environment, logDirectory: dir.path)
    }

    /// Waits for `/healthz` to report the broker connection (the subscription follows at once).
    func waitUntilHealthy(_ gateway: ChildProcess, timeout: Duration = .seconds(30)) async throws {
        try await GatewayTests.waitUntilHealthy(gateway, port: httpPort, timeout: timeout)
    }

    func deviceClient(_ id: String) throws -> MQTTClient {
        let client = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port,
                                                                      clientID: "test-\(id)"), logger: logger)
        try client.start()
        guard client.blockUntilConnected(timeout: .seconds(10)) else { throw BenchError("device client not connected") }
        return client
    }

    func tearDown() {
        broker.stop()
    }
}

/// Polls a gateway's `/healthz` until it answers 200, failing early if the process exits.
func waitUntilHealthy(_ gateway: ChildProcess, port: Int, timeout: Duration = .seconds(30)) async throws {
    let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
    let healthy = try await eventually(timeout: timeout, every: .milliseconds(100)) {
        guard gateway.isRunning else { throw BenchError("gateway exited:\n\(gateway.stderr)") }
        let answer = try? await URLSession.shared.data(from: url)
        return (answer?.1 as? HTTPURLResponse)?.statusCode == 200
    }
    guard healthy else { throw BenchError("gateway not healthy within \(timeout):\n\(gateway.stderr)") }
    try await Task.sleep(for: .milliseconds(200))  // let the SUBSCRIBE reach the broker
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
