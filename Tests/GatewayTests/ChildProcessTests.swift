import Foundation
import TestSupport
import Testing

/// Issue 13 item 3: nothing outlives its parent. Brokers (MosquittoBroker: SIGTERM, so they save)
/// and the test suite's children (ChildProcess: SIGKILL) are started through CProcessShim with
/// PR_SET_PDEATHSIG.
@Suite(.serialized) struct ChildProcessTests {
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    /// A `serve` SIGKILLed (no shutdown code runs) takes its embedded mosquitto with it.
    @Test func theEmbeddedBrokerDiesWithAKilledGateway() async throws {
        let dir = TemporaryDirectory("bk-orphan")
        try """
            sites:
              - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
            """.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let httpPort = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(httpPort)",
        ], logDirectory: dir.path)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: httpPort)
        let pidText = try String(contentsOfFile: dir.file("mosquitto/mosquitto.pid"), encoding: .utf8)
        let broker = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(isLive(broker, named: "mosquitto"), "the broker runs while its gateway does")

        gateway.kill()
        #expect(eventually(timeout: .seconds(5)) { !isLive(broker, named: "mosquitto") },
                "mosquitto \(broker) outlived its SIGKILLed gateway")
        // Its death signal is SIGTERM: it saved the gateway's session on the way out.
        let log = (try? String(contentsOfFile: dir.file("mosquitto/mosquitto.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("terminating"), "\(log.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: dir.file("mosquitto/mosquitto.db")))
    }

    /// The death signal follows the thread that forked: a child started from a thread that then
    /// ends must keep running (the shim forks on one thread that lives as long as the process).
    @Test func aChildOutlivesTheThreadThatStartedIt() throws {
        let dir = TemporaryDirectory("bk-spawn-thread")
        let started = Started()
        let thread = Thread {
            started.child = try? ChildProcess(executable: "/bin/sleep", arguments: ["30"], logDirectory: dir.path)
            started.done.signal()
        }
        thread.start()
        started.done.wait()
        let child = try #require(started.child)
        defer { child.kill() }
        // The starting thread has returned and exited; give a death signal time to arrive.
        Thread.sleep(forTimeInterval: 1.0)
        #expect(child.isRunning, "the child died with the thread that started it")
        child.kill()
        #expect(child.process.terminationReason == .uncaughtSignal)
        #expect(child.process.terminationStatus == SIGKILL)
    }

    @Test func exitStatusAndStartFailuresAreReported() throws {
        let dir = TemporaryDirectory("bk-spawn-status")
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"],
                                     logDirectory: dir.path)
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .exit)
        #expect(child.process.terminationStatus == 3)
        #expect(child.stdout == "out\n")
        #expect(child.stderr == "err\n")
        #expect(throws: (any Error).self) {
            try ChildProcess(executable: dir.file("no-such-program"), arguments: [], logDirectory: dir.path)
        }
    }
}

/// Running (not a zombie awaiting its reaper) and still the program it was.
private func isLive(_ pid: pid_t, named name: String) -> Bool {
    guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
          comm.trimmingCharacters(in: .whitespacesAndNewlines) == name,
          let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards) else { return false }
    return stat[afterName.upperBound...].first != "Z"
}

private final class Started: @unchecked Sendable {
    // @unchecked Sendable: `child` is written before `done` is signalled and read after the wait.
    var child: ChildProcess?
    let done = DispatchSemaphore(value: 0)
}
