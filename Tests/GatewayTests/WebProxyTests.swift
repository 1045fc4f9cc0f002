import Foundation
import Gateway
import KitchenModel
import TestSupport
import Testing

/// Issue 16 item 3: the shipped nginx configuration (docs/deploy/nginx.conf, through
/// scripts/web-proxy) in front of two real web replicas on loopback, with a self-signed
/// certificate made at test time: TLS, the HTTP redirect, the API reaching a replica, the public
/// lookup cached, a replica stopped without clients noticing, and the lookup's rate limit.
@Suite(.serialized)
struct WebProxyTests {
    /// `curl -sk` (the certificate is self-signed): each URL's status, and the last answer's headers.
    static func curl(_ urls: [String], headers: [String] = []) throws -> (statuses: [Int], lastHeaders: String) {
        let dir = TemporaryDirectory("bk-curl")
        let headerFile = dir.file("headers")
        var arguments = ["-sk", "--max-time", "10", "-D", headerFile, "-w", "%{http_code}\\n"]
        for header in headers { arguments += ["-H", header] }
        for url in urls { arguments += ["-o", "/dev/null", url] }  // each URL its own -o
        let output = try runTool("/usr/bin/curl", arguments).output
        let statuses = output.split(separator: "\n").compactMap { Int($0) }
        let last = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        return (statuses, last.components(separatedBy: "HTTP/").last ?? "")
    }

    @Test func nginxInFrontOfTwoReplicas() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "nginx is installed by scripts/setup")
        let cluster = try await WebReplicaTests.start(replicas: 2)
        defer { cluster.stop() }
        let https = freePort()
        let http = freePort()
        let proxy = try ChildProcess(
            executable: repositoryRoot().appendingPathComponent("scripts/web-proxy").path,
            arguments: ["--https-port", "\(https)", "--http-port", "\(http)", "--dir", cluster.bench.dir.file("nginx"),
                        "--single-process"] + cluster.replicas.flatMap { ["--upstream", "127.0.0.1:\($0.port)"] },
            logDirectory: cluster.bench.dir.path)
        defer { proxy.terminate() }
        let base = "https://127.0.0.1:\(https)"
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            (try? Self.curl([base + "/healthz"]).statuses) == [200]
        }, "nginx answers over TLS:\n\(proxy.stderr.suffix(2_000))")

        let redirect = try Self.curl(["http://127.0.0.1:\(http)/dashboard"])
        #expect(redirect.statuses == [301])
        #expect(redirect.lastHeaders.lowercased().contains("location: https://127.0.0.1:\(https)/dashboard"))

        let (admin, _) = try cluster.store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        let sites = try Self.curl([base + "/api/v1/sites"], headers: ["Authorization: Bearer \(admin)"])
        #expect(sites.statuses == [200])
        #expect(sites.lastHeaders.lowercased().contains("cache-control: private, no-store"), "API answers are not cached")

        // The public lookup is cached: the second fetch of a page is nginx's, per language.
        let code = "/t/NOTAREALCODE0000"
        let first = try Self.curl([base + code])
        let second = try Self.curl([base + code])
        #expect(first.statuses == [404] && second.statuses == [404], "a forged code's page")
        #expect(first.lastHeaders.contains("X-Cache-Status: MISS") || first.lastHeaders.lowercased().contains("x-cache-status: miss"))
        #expect(second.lastHeaders.lowercased().contains("x-cache-status: hit"), "\(second.lastHeaders)")
        let english = try Self.curl([base + code], headers: ["Accept-Language: en-US,en;q=0.9"])
        #expect(english.lastHeaders.lowercased().contains("x-cache-status: miss"), "another language, another entry")

        // The lookup's limit: 10/s with a burst of 20 per client address, then 429 (both replicas
        // up: the limit is nginx's, and a failover is checked on its own below).
        let burst = try Self.curl((0..<60).map { base + "/t/BURST\($0)" })
        #expect(burst.statuses.count == 60)
        #expect(burst.statuses.contains(429), "\(burst.statuses)")
        #expect(burst.statuses.prefix(15).allSatisfy { $0 == 404 }, "the burst is let through: \(burst.statuses)")
        print("nginx in front of two replicas: lookup burst of 60 → \(burst.statuses.filter { $0 == 429 }.count) refused (429)")

        // One replica stops: requests go on through the other.
        cluster.replicas[0].process.terminate()
        let after = try Self.curl([String](repeating: base + "/api/v1/sites", count: 6), headers: ["Authorization: Bearer \(admin)"])
        let afterStatuses = after.statuses
        #expect(afterStatuses.count == 6 && afterStatuses.allSatisfy { $0 == 200 }, "\(afterStatuses)")
    }
}
