/// Why an evidence snapshot could not be kept.
public enum EvidenceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The device's JPEG was refused; `rejection.code` and its text say why.
    case rejected(JPEGRejection)
    /// The thumbnail could not be encoded (a gateway problem, not the device's).
    case thumbnailEncoding(JPEGEncoder.Failure)
    case outOfMemory

    public var description: String {
        switch self {
        case let .rejected(rejection): rejection.description
        case let .thumbnailEncoding(failure): "thumbnail: \(failure)"
        case .outOfMemory: "out of memory preparing evidence"
        }
    }
}
