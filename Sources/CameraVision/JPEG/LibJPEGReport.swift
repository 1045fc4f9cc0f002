import CJPEGShim

extension bkj_report {
    /// libjpeg's formatted message (format_message), or a fallback when it left none.
    var text: String {
        var copy = message
        let decoded = withUnsafeBytes(of: &copy) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return decoded.isEmpty ? "libjpeg reported an unspecified problem" : decoded
    }

    /// Maps a failed libjpeg call to the rejection a device operator can act on.
    func rejection(for status: bkj_status, memoryLimit: Int) -> JPEGRejection {
        if status == BKJ_OUT_OF_MEMORY { return .outOfMemory }
        switch problem {
        case BKJ_PROBLEM_TOO_MUCH_MEMORY: return .needsTooMuchMemory(limit: memoryLimit)
        case BKJ_PROBLEM_NOT_JPEG: return .notJPEG(firstBytes: [])
        case BKJ_PROBLEM_TRUNCATED: return .truncated(detail: text)
        case BKJ_PROBLEM_UNSUPPORTED: return .unsupported(detail: text)
        default: return .corrupt(detail: text)
        }
    }
}
