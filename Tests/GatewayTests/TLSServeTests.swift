import Foundation
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

/// `serve` with HTTPS and the embedded broker's TLS listener, certificates from a CA made for
/// the test: the real binary, the real mosquitto, curl as the HTTP client.
@Suite(.serialized) struct TLSServeTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """

    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    /// curl's exit status and what it printed (the status code with `-w`).
    func curl(_ arguments: [String]) throws -> ToolRun {
        try runTool("/usr/bin/curl", ["-sS", "--max-time", "5"] + arguments)
    }

    @Test func httpsAndTheBrokersTLSListenerServeClientsThatTrustTheSiteCA() async throws {
        let dir = TemporaryDirectory("bk-tls-serve")
        let ca = try ThrowawayCA(in: dir.path)
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let provision = try ChildProcess(executable: binary, arguments: [
            "devices", "provision", "--config", dir.file("registry.yaml"), "--data-dir", dir.path,
        ], logDirectory: dir.path)
        provision.process.waitUntilExit()
        let row = try #require(provision.stdout.split(separator: "\n").dropFirst().first).split(separator: ",")
        let (username, password) = (String(row[2]), String(row[3]))

        let httpPort = freePort(), tlsPort = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(httpPort)",
            "--http-tls-cert", ca.serverCertificate, "--http-tls-key", ca.serverKey,
            "--broker-tls-cert", ca.serverCertificate, "--broker-tls-key", ca.serverKey,
            "--broker-tls-port", "\(tlsPort)", "--broker-tls-host", "127.0.0.1",
        ], logDirectory: dir.path)
        defer { gateway.kill() }

        // HTTPS with the CA: healthy (which also says the gateway reached its broker).
        let health = "https://127.0.0.1:\(httpPort)/healthz"
        let answered = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) { () async throws in
            try #require(gateway.isRunning, "gateway exited:\n\(gateway.stderr)")
            return try curl(["--cacert", ca.caCertificate, "-o", "/dev/null", "-w", "%{http_code}", health]).output == "200"
        }
        #expect(answered, "HTTPS /healthz with the CA never answered 200:\n\(gateway.stderr)")
        // Without the CA curl refuses the certificate (60: peer certificate cannot be authenticated).
        #expect(try curl(["-o", "/dev/null", health]).status == 60)
        // Plain HTTP gets no answer from the TLS port.
        let plain = try curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(httpPort)/healthz"])
        #expect(plain.status != 0 && plain.output != "200")

        // A provisioned device over mqtts, trusting the CA: its telemetry is stored.
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: tlsPort, clientID: "fridge-tls",
                                              username: username, password: password,
                                              tls: MQTTTLS(caFile: ca.caCertificate))
        configuration.reconnectDelayMax = 1
        let fridge = try MQTTClient(configuration: configuration)
        defer { fridge.stop() }
        try await fridge.connect(timeout: .seconds(5))
        let now = SystemClock().now()
        _ = try fridge.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry",
                               payload: Array(#"{"seq":1,"ts":\#(now),"t":3.5}"#.utf8), qos: 1)
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let key = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: key).count) == 1 })
    }

    @Test func tlsOptionsThatCannotWorkStopTheStartWithTheReason() throws {
        let dir = TemporaryDirectory("bk-tls-options")
        let ca = try ThrowawayCA(in: dir.path, name: "one")
        let other = try ThrowawayCA(in: dir.path, name: "two")
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let base = ["serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--insecure-broker",
                    "--http-port", "\(freePort())"]
        for (extra, reason) in [
            (["--http-tls-cert", ca.serverCertificate], "go together"),
            (["--broker-tls-key", ca.serverKey], "go together"),
            (["--http-tls-cert", dir.file("missing.pem"), "--http-tls-key", ca.serverKey], "not a readable file"),
            (["--http-tls-cert", ca.serverCertificate, "--http-tls-key", other.serverKey], "does not match"),
            (["--broker-tls-port", "8883"], "need --broker-tls-cert"),
        ] {
            let gateway = try ChildProcess(executable: binary, arguments: base + extra, logDirectory: dir.path)
            defer { gateway.kill() }
            #expect(eventually(timeout: .seconds(20)) { !gateway.isRunning }, "\(extra) should stop the start")
            #expect(gateway.process.terminationStatus != 0)
            #expect(gateway.stderr.contains(reason), "\(extra): \(gateway.stderr)")
        }
    }
}
