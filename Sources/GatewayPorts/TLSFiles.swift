/// A PEM certificate (the server's first, then any intermediates) and its private key: the
/// embedded broker's TLS listener and the HTTPS server both take one.
public struct TLSFiles: Sendable, Equatable {
    public var certificate: String
    public var privateKey: String

    public init(certificate: String, privateKey: String) {
        self.certificate = certificate
        self.privateKey = privateKey
    }
}
