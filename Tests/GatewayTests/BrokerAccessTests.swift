import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Synchronization
import TestSupport
import Testing

/// Least privilege on the broker: the files `devices provision` writes, proven against the real mosquitto.
@Suite(.serialized) struct BrokerAccessTests {
    let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    let scale = DeviceKey(site: SiteID("market-02")!, device: DeviceID("scale-1")!)

    @Test func hashReadsWhatMosquittoPasswdWrote() throws {
        // `mosquitto_passwd -c -b passwd x y` (mosquitto 2.0.11).
        let line = "$7$101$IOC9j4KiVDVtemO6$XSgXDxyYpwYhgY533PDm7c8mSQS/p7c8OrP4/N9looUK/TvMyZtpAVxyNAmbuNHZ9T/u60jJFnurmJtvYI1v8A=="
        let hash = try #require(MosquittoPasswordHash(line))
        #expect(hash.iterations == 101)
        #expect(hash.matches(password: "y"))
        #expect(!hash.matches(password: "z"))
        #expect(hash.description == line)
    }

    @Test func madeHashesRoundTripAndSaltDiffers() throws {
        let first = MosquittoPasswordHash.make(password: "secret")
        let second = MosquittoPasswordHash.make(password: "secret")
        #expect(first.salt != second.salt)
        let parsed = try #require(MosquittoPasswordHash(first.description))
        #expect(parsed == first)
        #expect(parsed.matches(password: "secret"))
        #expect(MosquittoPasswordHash("$6$101$abc$def") == nil)
        #expect(MosquittoPasswordHash("plain") == nil)
    }

    @Test func aclGrantsEachDeviceOnlyItsOwnChannels() {
        var accounts = BrokerAccounts()
        _ = accounts.issue(for: fridge)
        _ = accounts.issueGateway()
        let acl = accounts.aclFileText
        #expect(acl.contains("user brightkitchen-gw1\ntopic readwrite #\n"))
        #expect(acl.contains("user bk-observer\ntopic read #\n"))
        #expect(acl.contains("user canteen-01.fridge-1\ntopic write bk/v1/canteen-01/fridge-1/birth\n"))
        #expect(acl.contains("topic write bk/v1/canteen-01/fridge-1/snapshot/+\n"))
        #expect(acl.contains("topic read bk/v1/canteen-01/fridge-1/cmd\ntopic read bk/v1/canteen-01/fridge-1/ticket\n"))
        #expect(!acl.contains("topic write bk/v1/canteen-01/fridge-1/cmd"), "only the gateway sends commands")
        #expect(!acl.contains("pattern"))
    }

    @Test func passwordFileRoundTripsAndRefusesStrangers() throws {
        var accounts = BrokerAccounts()
        let password = accounts.issue(for: fridge)
        _ = accounts.issueGateway()
        let reread = try BrokerAccounts(passwordFile: accounts.passwordFileText)
        #expect(reread == accounts)
        #expect(reread.devices == [fridge])
        #expect(reread.hashes["canteen-01.fridge-1"]?.matches(password: password) == true)
        #expect(throws: BrokerAccounts.ParseError.self) { try BrokerAccounts(passwordFile: "root:$7$101$abc$def\n") }
        #expect(throws: BrokerAccounts.ParseError.self) { try BrokerAccounts(passwordFile: "a.b:plaintext\n") }
    }

    @Test func gatewaySecretIsStableAndFilesArePrivate() throws {
        let dir = TemporaryDirectory("bk-access")
        let files = BrokerAccessFiles(dataDirectory: dir.path)
        let first = try files.gatewayPassword()
        #expect(try files.gatewayPassword() == first)
        let mode = try FileManager.default.attributesOfItem(atPath: files.passwordFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try files.load().hasGateway)
    }

    /// A device, the gateway and a neighbour on a broker started with the provisioned files.
    @Test func realMosquittoConfinesADeviceToItsOwnTopics() async throws {
        let dir = TemporaryDirectory("bk-acl")
        let files = BrokerAccessFiles(dataDirectory: dir.path)
        let gatewayPassword = try files.gatewayPassword()
        var accounts = try files.load()
        let fridgePassword = accounts.issue(for: fridge)
        let scalePassword = accounts.issue(for: scale)
        try files.save(accounts)
        let broker = try MosquittoBroker.start(options: .init(
            passwordFile: files.passwordFile, aclFile: files.aclFile, allowAnonymous: false))
        defer { broker.stop() }

        let gatewaySeen = Received()
        let gateway = try connectedClient(broker, user: BrokerAccounts.gatewayUsername, password: gatewayPassword)
        defer { gateway.stop() }
        gateway.onMessage { gatewaySeen.add($0) }
        try gateway.subscribe("bk/v1/#", qos: 1)

        let fridgeSeen = Received()
        let device = try connectedClient(broker, user: "canteen-01.fridge-1", password: fridgePassword)
        defer { device.stop() }
        device.onMessage { fridgeSeen.add($0) }
        try device.subscribe("#", qos: 1)
        try device.subscribe("bk/v1/canteen-01/fridge-1/cmd", qos: 1)
        let neighbour = try connectedClient(broker, user: "market-02.scale-1", password: scalePassword)
        defer { neighbour.stop() }

        // Own telemetry reaches the gateway (retried until the gateway's SUBSCRIBE is in force).
        let own = "bk/v1/canteen-01/fridge-1/telemetry"
        #expect(eventually(timeout: .seconds(5)) {
            _ = try? device.publish(topic: own, payload: Array("own".utf8), qos: 1)
            return gatewaySeen.topics.contains(own)
        })

        // Forged topics: another site's device, a command to itself, a wildcard-free escape upwards.
        let forged = ["bk/v1/market-02/scale-1/telemetry", "bk/v1/market-02/scale-1/weigh",
                      "bk/v1/canteen-01/fridge-1/cmd", "bk/v1/canteen-01/fridge-2/telemetry",
                      "bk/v1/_gateway/gw1/state", "bk/v1/canteen-01/_gateway/alarms"]
        for topic in forged { _ = try device.publish(topic: topic, payload: Array("forged".utf8), qos: 1) }
        // One connection delivers in order: once this marker arrives, anything forged would have too.
        _ = try device.publish(topic: own, payload: Array("marker".utf8), qos: 1)
        #expect(eventually(timeout: .seconds(5)) { gatewaySeen.payloads(on: own).contains("marker") })
        #expect(gatewaySeen.topics.isDisjoint(with: forged), "the broker dropped every forged publish")
        #expect(device.isConnected, "a refused publish is dropped silently, not a disconnect")

        // `#` yields the device nothing of others': the neighbour's readings and the gateway's
        // commands and tickets for the neighbour stay invisible, while its own command arrives.
        _ = try neighbour.publish(topic: "bk/v1/market-02/scale-1/telemetry", payload: Array("n".utf8), qos: 1)
        _ = try gateway.publish(topic: "bk/v1/market-02/scale-1/cmd", payload: Array("n".utf8), qos: 1)
        _ = try gateway.publish(topic: "bk/v1/market-02/scale-1/ticket", payload: Array("n".utf8), qos: 1)
        #expect(eventually(timeout: .seconds(5)) { gatewaySeen.topics.contains("bk/v1/market-02/scale-1/telemetry") })
        _ = try gateway.publish(topic: "bk/v1/canteen-01/fridge-1/cmd", payload: Array("yours".utf8), qos: 1)
        #expect(eventually(timeout: .seconds(5)) { fridgeSeen.topics.contains("bk/v1/canteen-01/fridge-1/cmd") })
        #expect(fridgeSeen.topics == ["bk/v1/canteen-01/fridge-1/cmd"], "saw: \(fridgeSeen.topics)")
    }

    @Test func realMosquittoRefusesAnonymousAndWrongPasswords() async throws {
        let dir = TemporaryDirectory("bk-acl-auth")
        let files = BrokerAccessFiles(dataDirectory: dir.path)
        _ = try files.gatewayPassword()
        var accounts = try files.load()
        _ = accounts.issue(for: fridge)
        try files.save(accounts)
        let broker = try MosquittoBroker.start(options: .init(
            passwordFile: files.passwordFile, aclFile: files.aclFile, allowAnonymous: false))
        defer { broker.stop() }
        for (user, password) in [(nil, nil), ("canteen-01.fridge-1", "guess"), ("bk-gateway", "guess")] as [(String?, String?)] {
            var configuration = MQTTConfiguration(port: broker.port, clientID: "intruder-\(UUID().uuidString.prefix(6))")
            configuration.username = user
            configuration.password = password
            let client = try MQTTClient(configuration: configuration)
            defer { client.stop() }
            let error = await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(3)) }
            #expect(error?.isBrokerRefusal == true, "\(user ?? "anonymous") must be refused")
        }
    }

    private func connectedClient(_ broker: MosquittoBroker, user: String, password: String) throws -> MQTTClient {
        var configuration = MQTTConfiguration(port: broker.port, clientID: "\(user)-\(UUID().uuidString.prefix(6))")
        configuration.username = user
        configuration.password = password
        let client = try MQTTClient(configuration: configuration)
        try client.start()
        guard client.blockUntilConnected(timeout: .seconds(5)) else {
            client.stop()
            throw BenchError("\(user) could not connect: \(client.lastError.map { "\($0)" } ?? "no answer")")
        }
        return client
    }
}

/// What one client received, for a test to poll.
private final class Received: Sendable {
    private let messages = Mutex<[MQTTMessage]>([])

    func add(_ message: MQTTMessage) { messages.withLock { $0.append(message) } }
    var topics: Set<String> { Set(messages.withLock { $0.map(\.topic) }) }
    func payloads(on topic: String) -> [String] {
        messages.withLock { $0.filter { $0.topic == topic }.map { String(decoding: $0.payload, as: UTF8.self) } }
    }
}
