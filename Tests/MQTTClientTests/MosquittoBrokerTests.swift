import Foundation
import MQTTClient
import Testing
import TestSupport

extension BrokerTests {
    @Suite struct Broker {
        @Test func startsOnAFreeLoopbackPortAndCleansUp() async throws {
            let broker = try MosquittoBroker.start()
            #expect(broker.url == "mqtt://127.0.0.1:\(broker.port)")
            #expect(FileManager.default.fileExists(atPath: broker.logFile))
            let pid = try #require(broker.pid)
            #expect(String(decoding: FileManager.default.contents(atPath: broker.directory + "/mosquitto.pid") ?? Data(), as: UTF8.self) == "\(pid)\n")

            broker.stop()
            broker.stop()  // idempotent

            #expect(broker.pid == nil)
            #expect(kill(pid, 0) != 0, "process is gone")
            #expect(!FileManager.default.fileExists(atPath: broker.directory), "temporary directory removed")
        }

        @Test func endsABrokerLeftRunningInTheSameDirectory() async throws {
            let directory = temporaryDirectory("stale")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // The "crashed run": its broker is still up and its pid file still there.
            let leftover = try MosquittoBroker.start(options: .init(dataDirectory: directory))
            defer { leftover.stop() }
            let stalePid = try #require(leftover.pid)

            let fresh = try MosquittoBroker.start(options: .init(dataDirectory: directory))
            defer { fresh.stop() }

            #expect(fresh.pid != stalePid)
            let comm = try? String(contentsOfFile: "/proc/\(stalePid)/comm", encoding: .utf8)
            let stat = try? String(contentsOfFile: "/proc/\(stalePid)/stat", encoding: .utf8)
            #expect(comm == nil || stat?.contains(") Z ") == true, "stale broker ended (gone or a zombie awaiting its parent)")
        }

        @Test func leavesAPidThatIsNotMosquittoAlone() async throws {
            let directory = temporaryDirectory("notmosquitto")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // A ChildProcess, so it dies with the test process even if the test crashes.
            let bystander = try ChildProcess(executable: "/bin/sleep", arguments: ["30"], logDirectory: directory)
            defer { bystander.kill() }
            try "\(bystander.process.processIdentifier)\n".write(toFile: directory + "/mosquitto.pid", atomically: true, encoding: .utf8)

            let broker = try MosquittoBroker.start(options: .init(dataDirectory: directory))
            defer { broker.stop() }

            #expect(bystander.isRunning)
        }

        @Test func portInUseIsAClearError() async throws {
            let first = try MosquittoBroker.start()
            defer { first.stop() }
            let error = #expect(throws: MosquittoBrokerError.self) {
                try MosquittoBroker.start(options: .init(port: first.port))
            }
            #expect(error?.description.contains("\(first.port)") == true)
        }

        @Test func badConfigurationReportsMosquittosOwnWords() async throws {
            let error = #expect(throws: MosquittoBrokerError.self) {
                try MosquittoBroker.start(options: .init(extraConfig: ["no_such_option 1"]))
            }
            #expect(error?.description.contains("no_such_option") == true, "\(String(describing: error))")
        }
    }
}
