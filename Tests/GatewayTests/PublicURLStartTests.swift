import Foundation
import Gateway
import TestSupport
import Testing

/// Issue 13 item 2: codes printed with a loopback URL reach no phone, so `serve` refuses such a
/// URL (none given included) unless the operator says so, and then warns loudly; `demo` does not ask.
@Suite(.serialized) struct PublicURLStartTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo}
        """
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    @Test("loopback hosts are recognised; real ones are not", arguments: [
        (nil, true), ("http://127.0.0.1:8080", true), ("http://127.8.9.10", true), ("http://localhost:8080/", true),
        ("https://LOCALHOST", true), ("http://[::1]:8080", true), ("http://0.0.0.0:8080", true), ("http://shop.localhost", true),
        ("https://trace.example.cn", false), ("http://192.168.1.20:8080", false), ("http://10.0.0.5", false),
        ("http://128.0.0.1", false), ("http://127.example.cn", false), ("http://[2001:db8::1]", false),
    ] as [(String?, Bool)])
    func loopback(url: String?, expected: Bool) {
        #expect(PublicURLReach.isLoopback(url) == expected)
    }

    func serve(_ extra: [String], in dir: TemporaryDirectory, port: Int) throws -> ChildProcess {
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        return try ChildProcess(executable: binary, arguments: [
            "serve", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(port)",
            "--insecure-broker",
        ] + extra, logDirectory: dir.path)
    }

    @Test("serve refuses a loopback or missing public URL, naming the flag", arguments: [
        [], ["--public-url", "http://127.0.0.1:8080"], ["--public-url", "http://localhost"],
    ])
    func refused(extra: [String]) throws {
        let dir = TemporaryDirectory("bk-loopback")
        let gateway = try serve(extra, in: dir, port: freePort())
        #expect(eventually(timeout: .seconds(30)) { !gateway.isRunning }, "serve must refuse")
        gateway.kill()
        #expect(gateway.process.terminationStatus != 0)
        #expect(gateway.stderr.contains("no consumer's phone can open"), "\(gateway.stderr)")
        #expect(gateway.stderr.contains("--allow-loopback-public-url") && gateway.stderr.contains("--public-url"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("brightkitchen.sqlite")), "refused before anything starts")
    }

    @Test func allowedLoopbackStartsWithALoudWarning() async throws {
        let dir = TemporaryDirectory("bk-loopback-ok")
        let port = freePort()
        let gateway = try serve(["--allow-loopback-public-url"], in: dir, port: port)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: port)
        let warning = gateway.stderr
        #expect(warning.contains("WARNING: ticket QR codes will point at http://127.0.0.1:\(port)"), "\(warning)")
        #expect(warning.contains("no consumer's phone can open it"))
        #expect(warning.split(separator: "\n").filter { $0.hasPrefix("*") }.count >= 5, "a banner, not one log line")
    }

    @Test func aPublicURLStartsQuietly() async throws {
        let dir = TemporaryDirectory("bk-public-url")
        let port = freePort()
        let gateway = try serve(["--public-url", "https://trace.example.cn"], in: dir, port: port)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: port)
        #expect(!gateway.stderr.contains("WARNING: ticket QR codes"))
    }
}
