#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text to GB18030, the encoding Chinese thermal printers read in double-byte mode.
///
/// Foundation on Linux has no GB18030 `String.Encoding`, so this goes through glibc's `iconv`.
/// An iconv descriptor keeps conversion state and is not thread-safe: one converter serves one
/// receipt, and is closed with it.
final class GB18030Converter {
    private let descriptor: iconv_t

    /// Opens the converter, or returns `nil` if the C library has no GB18030 tables.
    init?() {
        let handle = iconv_open("GB18030", "UTF-8")
        guard let handle, Int(bitPattern: handle) != -1 else { return nil }
        descriptor = handle
    }

    deinit { iconv_close(descriptor) }

    /// The GB18030 bytes of `text`. GB18030 covers all of Unicode, so nothing should fail; a
    /// character iconv still refuses becomes `?` rather than an error on a printed receipt.
    func encode(_ text: String) -> [UInt8] {
        var input = Array(text.utf8)
        if input.allSatisfy({ $0 < 0x80 }) { return input }   // ASCII is the same in GB18030
        // A UTF-8 sequence of n bytes becomes at most 4 GB18030 bytes, so 2× (n ≥ 2) suffices.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 4)
        var written = 0
        input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var inPointer: UnsafeMutablePointer<CChar>? =
                    UnsafeMutableRawPointer(source.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = source.count
                var outPointer: UnsafeMutablePointer<CChar>? =
                    UnsafeMutableRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = target.count
                iconv(descriptor, nil, nil, nil, nil)   // reset state left by an earlier call
                while inLeft > 0, iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 {
                    guard errno == EILSEQ || errno == EINVAL, outLeft > 0 else { break }
                    // Skip the refused character and print a question mark instead.
                    let skip = min(inLeft, Self.utf8SequenceLength(UInt8(bitPattern: inPointer!.pointee)))
                    inPointer! += skip
                    inLeft -= skip
                    outPointer!.pointee = CChar(bitPattern: UInt8(ascii: "?"))
                    outPointer! += 1
                    outLeft -= 1
                }
                written = target.count - outLeft
            }
        }
        return Array(output[..<written])
    }

    private static func utf8SequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
