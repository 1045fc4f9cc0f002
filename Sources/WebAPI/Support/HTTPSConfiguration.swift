import GatewayPorts
import NIOSSL

/// Turns the operator's PEM files into the server's TLS configuration.
public enum HTTPSConfiguration {
    /// Reads and checks the files; `serve` calls it before starting anything, so a bad file
    /// leaves no broker behind.
    public static func load(_ files: TLSFiles) throws(HTTPSConfigurationError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw HTTPSConfigurationError(file: files.certificate, problem: "not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else {
            throw HTTPSConfigurationError(file: files.certificate, problem: "holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw HTTPSConfigurationError(file: files.privateKey, problem: "not a readable PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL checks that the key belongs to the certificate only when a context is made;
        // making one now turns a mismatch into a start-up error.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw HTTPSConfigurationError(file: files.privateKey, problem: "does not match the certificate \(files.certificate) (\(error))")
        }
        return configuration
    }
}

/// Why HTTPS cannot start, naming the file at fault.
public struct HTTPSConfigurationError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String

    public var description: String { "HTTPS: '\(file)' \(problem)" }
}
