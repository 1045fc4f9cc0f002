import MQTTClient
import Testing

@Suite struct ConfigurationTests {
    @Test func plainURLUsesDefaultPort() throws {
        let configuration = try MQTTConfiguration.parse(url: "mqtt://broker.local", clientID: "gw")
        #expect(configuration.host == "broker.local")
        #expect(configuration.port == 1883)
        #expect(configuration.tls == nil)
        #expect(configuration.username == nil)
        #expect(configuration.clientID == "gw")
    }

    @Test func tlsURLCarriesDecodedCredentials() throws {
        let configuration = try MQTTConfiguration.parse(url: "mqtts://kitchen:p%40ss%3Aword@mq.example.org", clientID: "gw")
        #expect(configuration.port == 8883)
        #expect(configuration.tls == MQTTTLS())
        #expect(configuration.username == "kitchen")
        #expect(configuration.password == "p@ss:word")
    }

    @Test func ipv6HostAndExplicitPort() throws {
        let configuration = try MQTTConfiguration.parse(url: "tcp://[::1]:18830", clientID: "gw")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 18830)
    }

    @Test func queryOptionsSelectVersionAndTLSFiles() throws {
        let configuration = try MQTTConfiguration.parse(
            url: "mqtts://mq.example.org?version=5&ca=/etc/bk/ca.pem&cert=/etc/bk/gw.pem&key=/etc/bk/gw.key", clientID: "gw")
        #expect(configuration.protocolVersion == .v5)
        #expect(configuration.tls == MQTTTLS(caFile: "/etc/bk/ca.pem", certFile: "/etc/bk/gw.pem", keyFile: "/etc/bk/gw.key"))
        #expect(try MQTTConfiguration.parse(url: "mqtt://h?version=3.1.1", clientID: "gw").protocolVersion == .v311)
    }

    @Test(arguments: ["http://broker:1883", "broker:1883", "mqtt://", "mqtt://host:99999", "mqtt://host/path",
                      "mqtt://host?version=6", "mqtt://host?ca=/x.pem", "mqtt://host?colour=blue"])
    func rejectsWhatIsNotABrokerURL(_ url: String) {
        #expect(throws: MQTTError.self) { try MQTTConfiguration.parse(url: url, clientID: "gw") }
    }

    @Test func persistentSessionNeedsAClientID() {
        let error = #expect(throws: MQTTError.self) {
            try MQTTClient(configuration: MQTTConfiguration(clientID: "", cleanSession: false))
        }
        #expect(error?.description.contains("fixed client id") == true)
    }

    @Test func keepAliveBelowFiveSecondsIsRejected() {
        #expect(throws: MQTTError.self) {
            try MQTTClient(configuration: MQTTConfiguration(clientID: "k", keepAliveSeconds: 2))
        }
    }

    @Test func reconnectBackoffDoublesUpToTheMaximum() {
        let configuration = MQTTConfiguration(clientID: "b", reconnectDelayMin: 1, reconnectDelayMax: 8)
        let delays = (0...6).map { configuration.reconnectDelay(afterFailures: $0) }
        #expect(delays == [1, 1, 2, 4, 8, 8, 8].map { Duration.seconds($0) })
        #expect(MQTTConfiguration(clientID: "z", reconnectDelayMin: 0).reconnectDelay(afterFailures: 3) == .milliseconds(100))
    }

    /// Clients cut off together must not come back in one wave: each waits somewhere in the
    /// upper half of its backoff.
    @Test func reconnectDelaysAreSpreadOverTheUpperHalf() {
        let configuration = MQTTConfiguration(clientID: "j", reconnectDelayMin: 1, reconnectDelayMax: 8)
        #expect(configuration.reconnectDelay(afterFailures: 3, jitter: 0) == .seconds(2))
        #expect(configuration.reconnectDelay(afterFailures: 3, jitter: 0.5) == .seconds(3))
        #expect(configuration.reconnectDelay(afterFailures: 9, jitter: 0.25) == .seconds(5))
        #expect(configuration.reconnectDelay(afterFailures: 0, jitter: 0) == .milliseconds(500))
        let drawn = Set((0..<50).map { _ in configuration.reconnectDelay(afterFailures: 4, jitter: .random(in: 0..<1)) })
        #expect(drawn.count > 10 && drawn.allSatisfy { $0 >= .seconds(4) && $0 < .seconds(8) })
    }

    @Test func qos0PublishWithoutConnectionThrowsNoConnection() throws {
        let client = try MQTTClient(configuration: MQTTConfiguration(clientID: uniqueID("nc")))
        let error = #expect(throws: MQTTError.self) {
            try client.publish(topic: "a/b", payload: [1], qos: 0, retain: false)
        }
        #expect(error?.code == 4)  // MOSQ_ERR_NO_CONN
        #expect(error?.description.contains("publish to 'a/b'") == true)
    }

    @Test func invalidFilterIsRejectedBeforeTheBrokerSeesIt() throws {
        let client = try MQTTClient(configuration: MQTTConfiguration(clientID: uniqueID("f")))
        #expect(throws: MQTTError.self) { try client.subscribe("a/#/b", qos: 1) }
    }
}
