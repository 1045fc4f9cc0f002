#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why libqrencode could not make a symbol.
public enum QREncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is nothing to encode.
    case emptyText
    /// The text does not fit even the largest symbol (version 40) at the chosen level (ERANGE).
    case tooLong(byteCount: Int)
    /// libqrencode rejected the input as invalid (EINVAL).
    case invalidInput
    /// libqrencode could not allocate memory (ENOMEM).
    case outOfMemory
    /// Any other failure, with the `errno` libqrencode left.
    case libraryFailure(errno: Int32)

    /// Maps the `errno` of a failed libqrencode call.
    init(errno code: Int32, byteCount: Int) {
        switch code {
        case ERANGE: self = .tooLong(byteCount: byteCount)
        case EINVAL: self = .invalidInput
        case ENOMEM: self = .outOfMemory
        default: self = .libraryFailure(errno: code)
        }
    }

    public var description: String {
        switch self {
        case .emptyText: "there is no text to put in a QR code"
        case let .tooLong(count): "\(count) bytes do not fit in a QR code at this error-correction level"
        case .invalidInput: "libqrencode rejected the input"
        case .outOfMemory: "libqrencode ran out of memory"
        case let .libraryFailure(code): "libqrencode failed (errno \(code))"
        }
    }
}
