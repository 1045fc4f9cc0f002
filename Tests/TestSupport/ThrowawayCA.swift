import Foundation

/// A certificate authority made for one test with the `openssl` command: a CA certificate and a
/// server certificate it signed for `localhost` and `127.0.0.1`, all PEM files in `directory`,
/// valid for a day. Nothing is installed anywhere; the test hands the files to whoever needs them.
public struct ThrowawayCA: Sendable {
    public let directory: String
    public var caCertificate: String { directory + "/ca.pem" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }

    /// Makes the CA and the server certificate under `directory/name`.
    public init(in parent: String, name: String = "ca") throws {
        directory = parent + "/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + curve + ["-keyout", directory + "/ca.key", "-out", caCertificate,
                         "-days", "1", "-subj", "/CN=BrightKitchen throw-away test CA (\(name))"])
        try Self.openssl(["req"] + curve + ["-keyout", serverKey, "-out", directory + "/server.csr",
                         "-subj", "/CN=localhost"])
        // Clients check the name they dialled against the subject alternative names.
        let extensions = directory + "/server.ext"
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", directory + "/server.csr", "-CA", caCertificate,
                          "-CAkey", directory + "/ca.key", "-CAcreateserial", "-out", serverCertificate,
                          "-days", "1", "-extfile", extensions])
    }

    private static func openssl(_ arguments: [String]) throws {
        let run = try runTool("/usr/bin/openssl", arguments)
        guard run.status == 0 else {
            throw ThrowawayCAError(command: "openssl " + arguments.joined(separator: " "), output: run.errors)
        }
    }
}

public struct ThrowawayCAError: Error, CustomStringConvertible {
    public let command: String
    public let output: String
    public var description: String { "\(command) failed: \(output)" }
}
