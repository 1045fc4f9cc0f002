import Foundation
import MQTTClient
import Testing

extension BrokerTests {
    @Suite struct Authentication {
        /// A broker that only admits users from a `mosquitto_passwd -b` file.
        static func brokerWithPasswordFile() throws -> (MosquittoBroker, String) {
            let directory = temporaryDirectory("auth")
            let passwordFile = directory + "/passwd"
            let tool = Process()
            tool.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
            tool.arguments = ["-c", "-b", passwordFile, "kitchen", "s3cret"]
            try tool.run()
            tool.waitUntilExit()
            #expect(tool.terminationStatus == 0)
            let broker = try MosquittoBroker.start(options: .init(passwordFile: passwordFile, allowAnonymous: false))
            return (broker, directory)
        }

        @Test(arguments: [MQTTProtocolVersion.v311, .v5])
        func rightPasswordConnects(version: MQTTProtocolVersion) async throws {
            let (broker, directory) = try Self.brokerWithPasswordFile()
            defer { broker.stop(); try? FileManager.default.removeItem(atPath: directory) }
            let client = try makeClient(broker, version: version) {
                $0.username = "kitchen"
                $0.password = "s3cret"
            }
            defer { client.stop() }
            try await client.connect(timeout: .seconds(3))
            #expect(client.isConnected)
            #expect(client.lastError == nil)
        }

        @Test(arguments: [(MQTTProtocolVersion.v311, "wrong"), (.v5, "wrong"), (.v311, nil), (.v5, nil)] as [(MQTTProtocolVersion, String?)])
        func wrongOrMissingPasswordIsRefusedWithTheBrokersReason(version: MQTTProtocolVersion, password: String?) async throws {
            let (broker, directory) = try Self.brokerWithPasswordFile()
            defer { broker.stop(); try? FileManager.default.removeItem(atPath: directory) }
            let client = try makeClient(broker, version: version) {
                $0.username = password == nil ? nil : "kitchen"
                $0.password = password
            }
            defer { client.stop() }

            let error = await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(3)) }

            #expect(!client.isConnected)
            #expect(error?.isBrokerRefusal == true)
            let text = error?.description.lowercased() ?? ""
            #expect(text.contains("authori"), "reason names the refusal: \(text)")
            #expect(text.contains("127.0.0.1:\(broker.port)"), "says where: \(text)")
        }
    }
}
