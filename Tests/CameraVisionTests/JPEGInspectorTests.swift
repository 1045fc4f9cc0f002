import CameraVision
import Testing

@Suite("JPEG inspection before decoding")
struct JPEGInspectorTests {
    let sample: [UInt8]

    init() throws {
        var kitchen = SyntheticKitchen(width: 64, height: 48, seed: 1)
        let encoder = try #require(JPEGEncoder())
        sample = try kitchen.jpeg(.day, encoder: encoder)
    }

    @Test func readsDimensionsFromTheFrameHeader() throws {
        let header = try JPEGInspector().inspect(sample)
        #expect(header == JPEGHeader(width: 64, height: 48, components: 3, precision: 8, isProgressive: false))
    }

    @Test func libjpegReadsTheSameHeader() throws {
        let decoder = try #require(JPEGDecoder())
        #expect(try decoder.readHeader(sample) == JPEGInspector().inspect(sample))
    }

    @Test func rejectsEmptyData() {
        #expect(throws: JPEGRejection.empty) { try JPEGInspector().inspect([]) }
    }

    @Test func rejectsAPNGAsNotJPEG() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        #expect(throws: JPEGRejection.notJPEG(firstBytes: [0x89, 0x50, 0x4E, 0x47])) {
            try JPEGInspector().inspect(png)
        }
    }

    @Test func rejectsMoreBytesThanTheLimit() {
        let inspector = JPEGInspector(limits: JPEGLimits(maxBytes: 100))
        #expect(throws: JPEGRejection.tooManyBytes(bytes: sample.count, limit: 100)) {
            try inspector.inspect(sample)
        }
    }

    @Test func rejectsAHeaderClaimingHugeDimensionsBeforeDecoding() throws {
        let huge = try withFrameSize(sample, width: 65000, height: 65000)
        #expect(throws: JPEGRejection.dimensionsTooLarge(width: 65000, height: 65000, limit: 8192)) {
            try JPEGInspector().inspect(huge)
        }
        // The decoder checks first too, so libjpeg never sees it.
        let decoder = try #require(JPEGDecoder())
        #expect(throws: JPEGRejection.dimensionsTooLarge(width: 65000, height: 65000, limit: 8192)) {
            try decoder.decodeGray(huge)
        }
    }

    @Test func rejectsDataCutInTheMiddleOfTheScan() {
        let cut = Array(sample.prefix(sample.count / 2))
        #expect(throws: JPEGRejection.truncated(detail: "no end-of-image marker at the end of the data")) {
            try JPEGInspector().inspect(cut)
        }
    }

    @Test func rejectsDataCutBeforeTheFrameHeader() {
        let cut = Array(sample.prefix(30))
        let thrown = #expect(throws: JPEGRejection.self) { try JPEGInspector().inspect(cut) }
        #expect(thrown?.code == "jpeg_truncated")
    }

    @Test func rejectsABrokenSegmentLength() {
        var broken = sample
        // The first segment after SOI (APP0 or DQT): claim a length of 1.
        broken[4] = 0
        broken[5] = 1
        let thrown = #expect(throws: JPEGRejection.self) { try JPEGInspector().inspect(broken) }
        #expect(thrown?.code == "jpeg_corrupt")
    }

    @Test func rejectsLosslessJPEGAsUnsupported() throws {
        var lossless = sample
        let sof = try #require(frameHeaderOffset(lossless))
        lossless[sof + 1] = 0xC3
        let thrown = #expect(throws: JPEGRejection.self) { try JPEGInspector().inspect(lossless) }
        #expect(thrown?.code == "jpeg_unsupported")
    }

    @Test func explainsRejectionsToPeople() {
        let rejection = JPEGRejection.dimensionsTooLarge(width: 65000, height: 65000, limit: 8192)
        #expect(rejection.description == "The JPEG header claims 65000×65000 pixels, above the limit of 8192 a side.")
        #expect(JPEGRejection.notJPEG(firstBytes: [0x89, 0x50]).description.contains("89 50"))
    }
}

/// Offset of the SOF0 marker's 0xFF in a baseline JPEG.
func frameHeaderOffset(_ jpeg: [UInt8]) -> Int? {
    (2..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }
}

func withFrameSize(_ jpeg: [UInt8], width: Int, height: Int) throws -> [UInt8] {
    var patched = jpeg
    let sof = try #require(frameHeaderOffset(jpeg))
    patched[sof + 5] = UInt8(height >> 8)
    patched[sof + 6] = UInt8(height & 0xFF)
    patched[sof + 7] = UInt8(width >> 8)
    patched[sof + 8] = UInt8(width & 0xFF)
    return patched
}
