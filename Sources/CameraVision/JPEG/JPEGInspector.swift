/// Checks a JPEG from a device before any decoder touches it: size, the start-of-image marker,
/// a walk over the marker segments to the frame header for the dimensions, and an end-of-image
/// marker at the tail. Reads only the bytes of the marker headers it passes, so a hostile
/// payload costs microseconds.
public struct JPEGInspector: Sendable {
    public var limits: JPEGLimits
    /// Devices sometimes pad after the end-of-image marker; this much padding is tolerated.
    public var maxTrailingBytes: Int

    public init(limits: JPEGLimits = JPEGLimits(), maxTrailingBytes: Int = 4096) {
        self.limits = limits
        self.maxTrailingBytes = maxTrailingBytes
    }

    public func inspect(_ data: [UInt8]) throws(JPEGRejection) -> JPEGHeader {
        guard !data.isEmpty else { throw .empty }
        guard data.count <= limits.maxBytes else {
            throw .tooManyBytes(bytes: data.count, limit: limits.maxBytes)
        }
        guard data.count >= 2, data[0] == 0xFF, data[1] == 0xD8 else {
            throw .notJPEG(firstBytes: Array(data.prefix(4)))
        }
        let (header, headerEnd) = try readFrameHeader(data)
        guard header.width <= limits.maxDimension, header.height <= limits.maxDimension else {
            throw .dimensionsTooLarge(width: header.width, height: header.height, limit: limits.maxDimension)
        }
        try requireEndOfImage(data, after: headerEnd)
        return header
    }

    /// Walks marker segments from just after SOI; returns the SOF header and where its segment ends.
    private func readFrameHeader(_ data: [UInt8]) throws(JPEGRejection) -> (JPEGHeader, Int) {
        var index = 2
        while true {
            guard index < data.count else { throw .truncated(detail: "it ends before the frame header") }
            guard data[index] == 0xFF else {
                throw .corrupt(detail: "expected a marker at byte \(index), found \(data[index])")
            }
            // Any number of 0xFF fill bytes may precede a marker code.
            while index < data.count, data[index] == 0xFF { index += 1 }
            guard index < data.count else { throw .truncated(detail: "it ends inside a marker") }
            let marker = data[index]
            index += 1
            if JPEGMarker.isStandalone(marker) { continue }
            switch marker {
            case 0xD8: throw .corrupt(detail: "a second start-of-image marker before the frame header")
            case 0xD9: throw .corrupt(detail: "end of image before any frame header")
            case 0xDA: throw .corrupt(detail: "a scan starts before the frame header")
            default: break
            }
            guard index + 2 <= data.count else { throw .truncated(detail: "it ends inside a marker segment") }
            let length = Int(data[index]) << 8 | Int(data[index + 1])
            guard length >= 2 else { throw .corrupt(detail: "marker segment length \(length) is too short") }
            let segmentEnd = index + length
            guard segmentEnd <= data.count else {
                throw .truncated(detail: "a marker segment runs past the end of the data")
            }
            if JPEGMarker.isStartOfFrame(marker) {
                let header = try parseFrameHeader(data, marker: marker, body: index + 2, length: length)
                return (header, segmentEnd)
            }
            index = segmentEnd
        }
    }

    private func parseFrameHeader(_ data: [UInt8], marker: UInt8, body: Int, length: Int) throws(JPEGRejection) -> JPEGHeader {
        guard length >= 8 else { throw .corrupt(detail: "frame header of \(length) bytes is too short") }
        let precision = Int(data[body])
        let height = Int(data[body + 1]) << 8 | Int(data[body + 2])
        let width = Int(data[body + 3]) << 8 | Int(data[body + 4])
        let components = Int(data[body + 5])
        guard length >= 8 + 3 * components else {
            throw .corrupt(detail: "frame header too short for \(components) components")
        }
        guard let kind = JPEGMarker.supportedFrameKind(marker) else {
            throw .unsupported(detail: "frame type \(JPEGMarker.name(marker))")
        }
        guard precision == 8 else { throw .unsupported(detail: "\(precision)-bit samples") }
        guard components == 1 || components == 3 || components == 4 else {
            throw .unsupported(detail: "\(components) colour components")
        }
        guard width > 0, height > 0 else {
            throw .corrupt(detail: "the frame header gives a size of \(width)×\(height)")
        }
        return JPEGHeader(width: width, height: height, components: components,
                          precision: precision, isProgressive: kind == .progressive)
    }

    /// A truncated upload ends inside entropy-coded data, where FF D9 cannot occur (0xFF bytes
    /// there are always followed by 00 or a restart code), so its absence at the tail is proof.
    private func requireEndOfImage(_ data: [UInt8], after headerEnd: Int) throws(JPEGRejection) {
        let searchStart = max(headerEnd, data.count - maxTrailingBytes - 2)
        var index = data.count - 2
        while index >= searchStart {
            if data[index] == 0xFF, data[index + 1] == 0xD9 { return }
            index -= 1
        }
        throw .truncated(detail: "no end-of-image marker at the end of the data")
    }
}

/// Marker codes of ITU T.81 table B.1 that the inspector needs.
enum JPEGMarker {
    enum FrameKind { case sequential, progressive }

    /// TEM and RST0–7 have no length field.
    static func isStandalone(_ marker: UInt8) -> Bool {
        marker == 0x01 || (0xD0...0xD7).contains(marker)
    }

    /// SOF0–SOF15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range.
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Baseline, extended and progressive, Huffman or arithmetic; not lossless or hierarchical.
    static func supportedFrameKind(_ marker: UInt8) -> FrameKind? {
        switch marker {
        case 0xC0, 0xC1, 0xC9: .sequential
        case 0xC2, 0xCA: .progressive
        default: nil
        }
    }

    static func name(_ marker: UInt8) -> String {
        "SOF\(Int(marker) - 0xC0)"
    }
}
