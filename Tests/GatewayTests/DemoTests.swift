import Foundation
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The README's promise: `brightkitchen demo` shows live sites in the API within 30 seconds.
@Suite(.serialized) struct DemoTests {
    @Test func sitesAreLiveWithinThirtySeconds() async throws {
        let dir = TemporaryDirectory("bk-demo")
        let port = freePort()
        let binary = productsDirectory().appendingPathComponent("brightkitchen").path
        let started = ContinuousClock.now
        let demo = try ChildProcess(executable: binary, arguments: [
            "demo", "--data-dir", dir.path, "--http-port", "\(port)", "--seconds", "60",
            "--fleet", repositoryRoot().appendingPathComponent("devices/demo-fleet.yaml").path,
        ], logDirectory: dir.path)
        defer { demo.kill() }

        let (token, liveSites, totalSites) = try await waitForLiveSites(demo, port: port, started: started)
        #expect(token != nil, "the banner prints an admin token:\n\(demo.stdout)\n\(demo.stderr.suffix(2000))")
        #expect(totalSites >= 3)
        #expect(liveSites == totalSites, "\(liveSites) of \(totalSites) sites live after 30 s")
        // The school canteen's 晨检仪 checks its three workers; the one with a fever is excluded.
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let school = try #require(SiteID("wh-no1-middle-school"))
        let checks = { (try? store.ledgerEntries(site: school, kind: "morning-check")) ?? [] }
        // Normally at once; a check published before the gateway subscribed comes back by replay after
        // the checker's next heartbeat (6 s at the demo's speed).
        #expect(eventually(timeout: .seconds(30)) { checks().count == 3 },
                "\(Result { try store.ledgerEntries(site: school, kind: "morning-check").count })")
        #expect(checks().allSatisfy { $0.source == "device:checker-entrance" })
        #expect(checks().filter { $0.body.contains(#""excluded":true"#) }.count == 1)
        // Its 留样柜 samples every dish of the day's meal plan but one (清炒时蔬, the missing sample).
        let samples = { (try? store.ledgerEntries(site: school, kind: "sample")) ?? [] }
        #expect(eventually(timeout: .seconds(30)) { samples().count == 9 },
                "\(Result { try store.ledgerEntries(site: school, kind: "sample").count })")
        #expect(samples().allSatisfy { $0.source == "device:sampler-1" })
        #expect(!samples().contains { $0.body.contains("清炒时蔬") })
        #expect(try store.ledgerEntries(site: school, kind: "meal-plan").first?.body.contains("清炒时蔬") == true)
        demo.terminate(timeout: .seconds(15))
        #expect(demo.process.terminationStatus == 0, "\(demo.stderr.suffix(2000))")
    }

    /// Polls the sites API until every site has a device online, for at most 30 s from `started`.
    func waitForLiveSites(_ demo: ChildProcess, port: Int, started: ContinuousClock.Instant) async throws
        -> (token: String?, live: Int, total: Int)
    {
        var token: String?
        var liveSites = 0
        var totalSites = -1
        // A demo that exited ends the wait too; the caller's expectations then report it.
        _ = await eventually(timeout: .seconds(30) - started.duration(to: .now), every: .milliseconds(250)) {
            guard demo.isRunning else { return true }
            token = token ?? demo.stdout.split(separator: "\n").first { $0.contains("admin token") }
                .flatMap { $0.split(separator: " ").last.map(String.init) }
            guard let bearer = token else { return false }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/sites")!)
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
            guard let (data, _) = try? await URLSession.shared.data(for: request),
                  let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let sites = body["sites"] as? [[String: Any]] else { return false }
            totalSites = sites.count
            liveSites = sites.filter { (($0["devices"] as? [String: Any])?["online"] as? Int ?? 0) > 0 }.count
            return totalSites > 0 && liveSites == totalSites
        }
        return (token, liveSites, totalSites)
    }

    /// `demo --secure-broker`: the simulated fleet logs in with per-device accounts and every site
    /// comes online, while the broker refuses an anonymous client.
    @Test func secureBrokerAdmitsTheProvisionedFleetOnly() async throws {
        let dir = TemporaryDirectory("bk-demo-secure")
        let port = freePort()
        let binary = productsDirectory().appendingPathComponent("brightkitchen").path
        let started = ContinuousClock.now
        let demo = try ChildProcess(executable: binary, arguments: [
            "demo", "--secure-broker", "--data-dir", dir.path, "--http-port", "\(port)", "--seconds", "60",
            "--fleet", repositoryRoot().appendingPathComponent("devices/demo-fleet.yaml").path,
        ], logDirectory: dir.path)
        defer { demo.kill() }

        let (_, liveSites, totalSites) = try await waitForLiveSites(demo, port: port, started: started)
        #expect(totalSites >= 3)
        #expect(liveSites == totalSites, "\(liveSites) of \(totalSites) sites live after 30 s:\n\(demo.stderr.suffix(2000))")
        #expect(demo.stdout.contains("-u bk-observer"), "the banner's watch command logs in, read-only, not as the gateway")

        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let brokerPort = try #require(try store.meta("embedded_broker_port").flatMap(Int.init))
        let anonymous = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: brokerPort,
                                                                        clientID: "anonymous-watcher"))
        defer { anonymous.stop() }
        // Refused by the broker's CONNACK (5: not authorised), not merely unreachable or timed out.
        let refusal = await #expect(throws: MQTTError.self) { try await anonymous.connect(timeout: .seconds(3)) }
        #expect(refusal?.isBrokerRefusal == true && refusal?.code == 5, "\(refusal.map { "\($0)" } ?? "no error")")
        demo.terminate(timeout: .seconds(15))
    }
}
