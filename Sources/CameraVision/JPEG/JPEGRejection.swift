/// Why a JPEG from a device was refused. `code` is stable for machines (metrics, dead letters),
/// `description` is the text a person needs to fix the device.
public enum JPEGRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooManyBytes(bytes: Int, limit: Int)
    /// The data does not start with a JPEG start-of-image marker.
    case notJPEG(firstBytes: [UInt8])
    /// The data ends before the image does.
    case truncated(detail: String)
    /// Damaged marker segments or entropy-coded data.
    case corrupt(detail: String)
    case dimensionsTooLarge(width: Int, height: Int, limit: Int)
    /// A well-formed JPEG that this decoder does not handle (12-bit, lossless, hierarchical...).
    case unsupported(detail: String)
    /// Decoding would take more working memory than the limit (large progressive images).
    case needsTooMuchMemory(limit: Int)
    /// The decoder could not get memory; not the device's fault.
    case outOfMemory

    public var code: String {
        switch self {
        case .empty: "jpeg_empty"
        case .tooManyBytes: "jpeg_too_many_bytes"
        case .notJPEG: "jpeg_not_jpeg"
        case .truncated: "jpeg_truncated"
        case .corrupt: "jpeg_corrupt"
        case .dimensionsTooLarge: "jpeg_dimensions_too_large"
        case .unsupported: "jpeg_unsupported"
        case .needsTooMuchMemory: "jpeg_needs_too_much_memory"
        case .outOfMemory: "jpeg_out_of_memory"
        }
    }

    public var description: String {
        switch self {
        case .empty:
            "The image is empty."
        case let .tooManyBytes(bytes, limit):
            "The image is \(bytes) bytes, above the limit of \(limit)."
        case let .notJPEG(firstBytes):
            "Not a JPEG: it starts with \(firstBytes.map { hex($0) }.joined(separator: " ")) instead of FF D8."
        case let .truncated(detail):
            "The JPEG is truncated: \(detail)."
        case let .corrupt(detail):
            "The JPEG is corrupt: \(detail)."
        case let .dimensionsTooLarge(width, height, limit):
            "The JPEG header claims \(width)×\(height) pixels, above the limit of \(limit) a side."
        case let .unsupported(detail):
            "The JPEG uses a feature this gateway cannot decode: \(detail)."
        case let .needsTooMuchMemory(limit):
            "Decoding the JPEG would need more than \(limit / (1024 * 1024)) MiB; send it baseline or smaller."
        case .outOfMemory:
            "The gateway ran out of memory decoding the image."
        }
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
