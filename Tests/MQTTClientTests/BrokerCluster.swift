import Foundation
import TestSupport

/// The 3-node clustered broker of `scripts/broker-cluster`, haproxy in front (docs/scale-out.md,
/// "Broker"). Started for the test (NATS, the chosen broker) through `broker-cluster run`, whose
/// nodes and proxy the kernel kills with it, and it with the test process. With
/// `BK_TEST_BROKER_CLUSTER_DIR` set, the tests use that running cluster instead, of either kind
/// (`scripts/broker-cluster start --kind rabbitmq` for the comparison) and leave it running.
final class BrokerCluster: Sendable {
    struct Node: Sendable {
        let index: Int
        let port: Int
    }

    let directory: String
    let kind: String
    /// haproxy's port: what devices and gateways connect to.
    let port: Int
    let nodes: [Node]
    private let runner: ChildProcess?

    static let givenDirectory = ProcessInfo.processInfo.environment["BK_TEST_BROKER_CLUSTER_DIR"]
    static let script = repositoryRoot().appendingPathComponent("scripts/broker-cluster").path

    /// Whether the cluster tests can run: a cluster was given, or Debian's nats-server and
    /// haproxy are installed (`scripts/setup` installs them).
    static var available: Bool {
        givenDirectory != nil || (installed("nats-server") && installed("haproxy"))
    }

    private static func installed(_ tool: String) -> Bool {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    private init(directory: String, state: State, runner: ChildProcess?) throws {
        self.directory = directory
        kind = state.kind
        port = try Self.port(of: state.url)
        nodes = try state.nodes.map { Node(index: $0.index, port: try Self.port(of: $0.url)) }
        self.runner = runner
    }

    static func start() throws -> BrokerCluster {
        if let directory = givenDirectory {
            guard let state = readState(directory), state.ready else {
                throw ClusterError("no ready cluster in BK_TEST_BROKER_CLUSTER_DIR=\(directory)")
            }
            return try BrokerCluster(directory: directory, state: state, runner: nil)
        }
        let directory = NSTemporaryDirectory() + "/bk-cluster-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let runner = try ChildProcess(executable: script, arguments: ["run", "--kind", "nats", "--dir", directory],
                                      logDirectory: directory)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let state = readState(directory), state.ready {
                return try BrokerCluster(directory: directory, state: state, runner: runner)
            }
            guard runner.isRunning else {
                throw ClusterError("broker-cluster run exited: \(runner.stderr.suffix(2000))")
            }
            usleep(100_000)
        }
        runner.terminate()
        throw ClusterError("cluster not ready after 120 s: \(runner.stderr.suffix(2000))")
    }

    /// SIGKILLs node `index` (1-based), as a crash would; it stays down for `downSeconds`.
    func killNode(_ index: Int, downSeconds: Int = 120) throws {
        let run = try runTool(Self.script, ["kill-node", "\(index)", "--down", "\(downSeconds)", "--dir", directory])
        guard run.status == 0 else { throw ClusterError("kill-node \(index): \(run.output)\(run.errors)") }
    }

    /// Publishes `payloads` in order at QoS 1 through `port` with mosquitto_pub, which returns
    /// only once the broker acknowledged every one: each is stored when this returns.
    func publishAcknowledged(port: Int, topic: String, payloads: [String], retain: Bool = false) throws {
        let lines = payloads.joined(separator: "\n")
        let flags = retain ? "-r " : ""
        let run = try runTool("/bin/sh", ["-c", "printf '%s\\n' \"$0\" | mosquitto_pub -h 127.0.0.1 -p \(port) -q 1 \(flags)-t '\(topic)' -l",
                                          lines])
        guard run.status == 0 else { throw ClusterError("mosquitto_pub: \(run.errors)") }
    }

    /// Stops a cluster this test started (nodes, proxy, epmd); leaves a given one running.
    func stop() {
        guard let runner else { return }
        runner.terminate(timeout: .seconds(40))
        if ProcessInfo.processInfo.environment["BK_TEST_KEEP_CLUSTER"] == nil {  // its logs, for a failure
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    deinit { stop() }

    private struct State: Decodable {
        struct NodeState: Decodable {
            let index: Int
            let url: String
        }
        let kind: String
        let ready: Bool
        let url: String
        let nodes: [NodeState]
    }

    private static func readState(_ directory: String) -> State? {
        guard let data = FileManager.default.contents(atPath: directory + "/cluster.json") else { return nil }
        return try? JSONDecoder().decode(State.self, from: data)
    }

    private static func port(of url: String) throws -> Int {
        guard let port = URLComponents(string: url)?.port else { throw ClusterError("no port in \(url)") }
        return port
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
