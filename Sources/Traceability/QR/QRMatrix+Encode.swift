import CQREncode
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension QRMatrix {
    /// The largest input libqrencode could ever place (version 40, level L, numeric mode); longer
    /// text is refused before it is copied into the library.
    static let maximumInputBytes = 7_089

    /// Encodes `text` in the smallest symbol that holds it at `errorCorrection`, in alphanumeric
    /// mode when every character allows it (upper-case the URL for that) and in byte mode
    /// (UTF-8) otherwise.
    public init(encoding text: String, errorCorrection: QRErrorCorrection = .medium) throws(QREncodingError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .emptyText }
        guard bytes.count <= Self.maximumInputBytes else { throw .tooLong(byteCount: bytes.count) }
        let mode = QREncodingMode.choose(for: bytes)

        // Version 0 lets libqrencode pick the smallest version that fits.
        guard let input = QRinput_new2(0, errorCorrection.libraryLevel) else {
            throw QREncodingError(errno: errno, byteCount: bytes.count)
        }
        defer { QRinput_free(input) }
        // Non-ASCII bytes get the UTF-8 ECI designator (26); without it readers guess, and
        // guess Shift JIS, as the QR standard's default of ISO 8859-1 rarely fits.
        if bytes.contains(where: { $0 >= 0x80 }), QRinput_appendECIheader(input, 26) != 0 {
            throw QREncodingError(errno: errno, byteCount: bytes.count)
        }
        let libraryMode = mode == .alphanumeric ? QR_MODE_AN : QR_MODE_8
        let appended = bytes.withUnsafeBufferPointer { buffer in
            QRinput_append(input, libraryMode, Int32(buffer.count), buffer.baseAddress)
        }
        guard appended == 0 else { throw QREncodingError(errno: errno, byteCount: bytes.count) }
        guard let code = QRcode_encodeInput(input) else {
            throw QREncodingError(errno: errno, byteCount: bytes.count)
        }
        defer { QRcode_free(code) }

        let size = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        let modules = UnsafeBufferPointer(start: code.pointee.data, count: size * size).map { $0 & 1 == 1 }
        self.init(version: Int(code.pointee.version), size: size, errorCorrection: errorCorrection,
                  mode: mode, modules: modules)
    }
}
