/// Why a receipt could not be built.
public enum ReceiptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The lookup URL cannot be made into a QR code.
    case qrCode(QREncodingError)
    /// The C library has no GB18030 converter (glibc's gconv modules are missing).
    case gb18030Unavailable

    public var description: String {
        switch self {
        case let .qrCode(error): "the receipt's QR code: \(error)"
        case .gb18030Unavailable: "iconv cannot convert to GB18030 (are glibc's gconv modules installed?)"
        }
    }
}
