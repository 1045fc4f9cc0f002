import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 20 item 1: on `serve`'s secure broker a provisioned device account used to be able to
/// connect with the gateway's documented client id (or another device's) and so close that
/// connection, wipe the gateway's persistent session or fire the victim's Will. The broker now
/// names every session by its account (`use_username_as_clientid`).
@Suite(.serialized) struct ClientIdBindingTests {
    /// The secure-serve suite's two canteens, one thermometer each.
    static let registry = SecureServeTests.registry

    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    @Test func aDeviceAccountCannotTakeOverTheGatewayOrAnotherDevice() async throws {
        let dir = TemporaryDirectory("bk-clientid")
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let provision = try ChildProcess(executable: binary, arguments: ["devices", "provision",
            "--config", dir.file("registry.yaml"), "--data-dir", dir.path], logDirectory: dir.path)
        provision.process.waitUntilExit()
        try #require(provision.process.terminationStatus == 0, "\(provision.stderr)")
        let rows = provision.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let passwords = Dictionary(uniqueKeysWithValues: rows.map { ($0[2], $0[3]) })

        let httpPort = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(httpPort)",
        ], logDirectory: dir.path)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: httpPort)
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let brokerPort = try #require(try store.meta("embedded_broker_port").flatMap(Int.init))
        let (token, _) = try store.createToken(role: .admin, scope: nil, label: "test", now: SystemClock().now())

        // The victim: canteen-02's fridge, online with its Will set, as firmware-specs/ prescribe.
        var victimLogin = MQTTConfiguration(host: "127.0.0.1", port: brokerPort, clientID: "canteen-02.fridge-1")
        victimLogin.username = "canteen-02.fridge-1"
        victimLogin.password = passwords["canteen-02.fridge-1"]
        victimLogin.cleanSession = false
        victimLogin.will = MQTTWill(topic: "bk/v1/canteen-02/fridge-1/state",
                                    payload: Array(#"{"online":false,"boot":1}"#.utf8), qos: 1, retain: true)
        let victim = try MQTTClient(configuration: victimLogin)
        defer { victim.stop() }
        try await victim.connect(timeout: .seconds(5))
        _ = try victim.publish(topic: "bk/v1/canteen-02/fridge-1/state", payload: Array(#"{"online":true,"boot":1}"#.utf8),
                               qos: 1, retain: true)
        _ = try victim.publish(topic: "bk/v1/canteen-02/fridge-1/birth", payload: Array(
            #"{"kind":"thermo","model":"bk-th1","fw":"1.0","boot":1,"interval_s":30}"#.utf8), qos: 1)
        #expect(await eventuallyAsync { await victimOnline(httpPort: httpPort, token: token) == true },
                "the victim comes online before the attack")

        // The attacker: canteen-01's fridge account, with the gateway's client id, then the victim's.
        var attacks: [String: Bool] = [:]
        var healthz: [Int] = []
        for stolenID in ["brightkitchen-gw1", "canteen-02.fridge-1", "sim-canteen-02-fridge-1"] {
            var login = MQTTConfiguration(host: "127.0.0.1", port: brokerPort, clientID: stolenID)
            login.username = "canteen-01.fridge-1"
            login.password = passwords["canteen-01.fridge-1"]
            let attacker = try MQTTClient(configuration: login)
            defer { attacker.stop() }
            attacks[stolenID] = (try? await attacker.connect(timeout: .seconds(5))) != nil
            for _ in 0..<10 {  // two seconds of health checks while the attacker holds the id
                healthz.append(await status(httpPort: httpPort, path: "/healthz", token: nil))
                try await Task.sleep(for: .milliseconds(200))
            }
            attacker.stop()
        }
        try await Task.sleep(for: .seconds(1))  // a fired Will would reach the gateway by now

        #expect(attacks.values.allSatisfy { $0 }, "the attacker's own account logs in: \(attacks)")
        #expect(healthz.allSatisfy { $0 == 200 }, "healthz during the attacks: \(healthz)")
        #expect(gateway.stderr.components(separatedBy: "MQTT connected").count - 1 == 1,
                "the gateway's connection (and so its persistent session) never dropped:\n\(gateway.stderr.suffix(3000))")
        #expect(victim.connectionCount == 1 && victim.isConnected, "the victim kept its one connection")
        #expect(await victimOnline(httpPort: httpPort, token: token) == true, "the site still shows the victim online")
        let brokerLog = (try? String(contentsOfFile: dir.file("mosquitto/mosquitto.log"), encoding: .utf8)) ?? ""
        #expect(!brokerLog.contains("already connected, closing old connection"), "\(brokerLog.suffix(3000))")
        gateway.terminate()
    }

    /// `use_username_as_clientid` is a listener option: on a listener without it (tried by hand,
    /// mosquitto 2.0.11) the takeover works. Both of the embedded broker's listeners carry it.
    @Test func bindingHoldsOnThePlainAndTheTLSListener() async throws {
        let dir = TemporaryDirectory("bk-clientid-tls")
        let ca = try ThrowawayCA(in: dir.path)
        let files = BrokerAccessFiles(dataDirectory: dir.path)
        var accounts = try files.load()
        let alice = accounts.issue(for: DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!))
        let mallory = accounts.issue(for: DeviceKey(site: SiteID("canteen-02")!, device: DeviceID("fridge-1")!))
        try files.save(accounts)
        let tls = MosquittoBroker.TLSListener(host: "127.0.0.1", port: try MosquittoBroker.freeLoopbackPort(),
                                              certificateFile: ca.serverCertificate, keyFile: ca.serverKey)
        let broker = try MosquittoBroker.start(options: .init(
            passwordFile: files.passwordFile, aclFile: files.aclFile, allowAnonymous: false, tlsListener: tls,
            bindClientIDToUsername: true))
        defer { broker.stop() }

        var victimLogin = MQTTConfiguration(port: broker.port, clientID: "canteen-01.fridge-1")
        victimLogin.username = "canteen-01.fridge-1"
        victimLogin.password = alice
        let victim = try MQTTClient(configuration: victimLogin)
        defer { victim.stop() }
        try await victim.connect(timeout: .seconds(5))
        for overTLS in [false, true] {
            var login = MQTTConfiguration(port: overTLS ? tls.port : broker.port, clientID: "canteen-01.fridge-1")
            login.username = "canteen-02.fridge-1"
            login.password = mallory
            if overTLS { login.tls = MQTTTLS(caFile: ca.caCertificate) }
            let attacker = try MQTTClient(configuration: login)
            defer { attacker.stop() }
            try await attacker.connect(timeout: .seconds(5))
            try await Task.sleep(for: .milliseconds(500))
            #expect(victim.connectionCount == 1 && victim.isConnected, "taken over through the \(overTLS ? "TLS" : "plain") listener")
        }
        let config = try String(contentsOfFile: broker.directory + "/mosquitto.conf", encoding: .utf8)
        #expect(config.components(separatedBy: "use_username_as_clientid true").count - 1 == 2)
    }

    @Test func theGatewaysAccountIsItsClientIdAndReplacesTheOldOne() throws {
        let dir = TemporaryDirectory("bk-clientid-files")
        let files = BrokerAccessFiles(dataDirectory: dir.path)
        var legacy = BrokerAccounts()
        _ = legacy.issue(for: DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!))
        try FileManager.default.createDirectory(atPath: files.directory, withIntermediateDirectories: true)
        // A password file from before the binding: the gateway's account was `bk-gateway`.
        try (legacy.passwordFileText + "bk-gateway:\(MosquittoPasswordHash.make(password: "old"))\n")
            .write(toFile: files.passwordFile, atomically: true, encoding: .utf8)
        #expect(try files.load().gatewayAccounts == ["bk-gateway"])

        let password = try files.gatewayPassword(username: "brightkitchen-kitchen_2")
        let accounts = try files.load()
        #expect(accounts.gatewayAccounts == ["brightkitchen-kitchen_2"], "the old gateway account is gone")
        #expect(accounts.hashes["brightkitchen-kitchen_2"]?.matches(password: password) == true)
        #expect(accounts.devices.count == 1, "device accounts are kept")
        let acl = try String(contentsOfFile: files.aclFile, encoding: .utf8)
        #expect(acl.contains("user brightkitchen-kitchen_2\ntopic readwrite #\n") && !acl.contains("bk-gateway"))
        #expect(try files.gatewayPassword(username: "brightkitchen-kitchen_2") == password, "stable once issued")
        for bad in ["brightkitchen-a.b", "brightkitchen-a:b", "brightkitchen-a/b", "brightkitchen-#", "brightkitchen-"] {
            #expect(throws: BrokerAccessFiles.FileError.self, "\(bad)") { try files.gatewayPassword(username: bad) }
        }
    }

    private func victimOnline(httpPort: Int, token: String) async -> Bool? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)/api/v1/sites/canteen-02")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        guard let (data, _) = try? await URLSession.shared.data(for: request),
              let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let devices = body["devices"] as? [[String: Any]],
              let fridge = devices.first(where: { $0["id"] as? String == "fridge-1" }) else { return nil }
        return fridge["online"] as? Bool
    }

    private func status(httpPort: Int, path: String, token: String?) async -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    private func eventuallyAsync(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }
}
