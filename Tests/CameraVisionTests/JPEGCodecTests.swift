import CameraVision
import Testing

@Suite("libjpeg decode and encode through the C shim")
struct JPEGCodecTests {
    /// A horizontal ramp: easy to check after lossy coding.
    static func ramp(width: Int, height: Int) -> Plane {
        var plane = Plane(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width { plane[x, y] = UInt8(x * 255 / (width - 1)) }
        }
        return plane
    }

    @Test(arguments: DCTScale.allCases)
    func decodesGrayscaleAtEveryDCTScale(scale: DCTScale) throws {
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        let jpeg = try encoder.encode(Self.ramp(width: 203, height: 101), quality: 90)
        let plane = try decoder.decodeGray(jpeg, options: .analysis(scale))
        #expect(plane.width == (203 + scale.denominator - 1) / scale.denominator)
        #expect(plane.height == (101 + scale.denominator - 1) / scale.denominator)
        #expect(abs(plane.meanLuminance - 127.5) < 3)
        // The ramp survives: dark on the left, bright on the right.
        #expect(plane[0, plane.height / 2] < 20)
        #expect(plane[plane.width - 1, plane.height / 2] > 235)
    }

    @Test func decodesColour() throws {
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        let red = RGBImage(width: 32, height: 16, fill: RGB(220, 30, 40))
        let image = try decoder.decodeRGB(encoder.encode(red, quality: 95))
        #expect(image.width == 32 && image.height == 16)
        let pixel = image[16, 8]
        #expect(abs(Int(pixel.red) - 220) < 8 && abs(Int(pixel.green) - 30) < 8 && abs(Int(pixel.blue) - 40) < 8)
    }

    @Test func reusesItsBufferWhenTheCallerLetsGoOfTheFrame() throws {
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        let jpeg = try encoder.encode(Self.ramp(width: 64, height: 64))
        let first = try decoder.decodeGray(jpeg).pixels.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        let second = try decoder.decodeGray(jpeg).pixels.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        #expect(first == second)
    }

    @Test func keepsAFrameTheCallerHoldsIntact() throws {
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        let dark = try encoder.encode(Plane(width: 16, height: 16, fill: 20))
        let bright = try encoder.encode(Plane(width: 16, height: 16, fill: 230))
        let kept = try decoder.decodeGray(dark)
        _ = try decoder.decodeGray(bright)
        #expect(abs(kept.meanLuminance - 20) < 2)
    }

    @Test func strictDecodingRejectsCorruptScanData() throws {
        var kitchen = SyntheticKitchen(width: 96, height: 64, seed: 2)
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        var jpeg = try kitchen.jpeg(.day, encoder: encoder)
        // A stray marker in the middle of the entropy-coded data, as a bit error on the wire makes.
        jpeg[jpeg.count / 2] = 0xFF
        jpeg[jpeg.count / 2 + 1] = 0xD5
        let thrown = #expect(throws: JPEGRejection.self) {
            try decoder.decodeGray(jpeg, options: .init(scale: .full, strict: true))
        }
        #expect(thrown?.code == "jpeg_corrupt")
        #expect(thrown.map { $0.description.hasPrefix("The JPEG is corrupt: Corrupt JPEG data") } == true)
        // Lenient decoding fills in and goes on: the same decoder still works afterwards.
        let lenient = try decoder.decodeGray(jpeg, options: .init(scale: .full, strict: false))
        #expect(lenient.width == 96)
    }

    @Test func strictDecodingRejectsAScanCutShortEvenWithAnEndMarker() throws {
        var kitchen = SyntheticKitchen(width: 96, height: 64, seed: 3)
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        let jpeg = try kitchen.jpeg(.day, encoder: encoder)
        // The inspector sees an end marker; only libjpeg can tell the scan stopped early.
        let forged = Array(jpeg.prefix(jpeg.count * 2 / 3)) + [0xFF, 0xD9]
        let thrown = #expect(throws: JPEGRejection.self) { try decoder.decodeGray(forged, options: .init(strict: true)) }
        #expect(thrown?.code == "jpeg_corrupt" || thrown?.code == "jpeg_truncated")
        #expect(try decoder.decodeGray(jpeg).width == 96)
    }

    @Test func capsLibjpegsWorkingMemoryForProgressiveImages() throws {
        let encoder = try #require(JPEGEncoder())
        let progressive = try encoder.encode(Self.ramp(width: 256, height: 256), progressive: true)
        #expect(try JPEGInspector().inspect(progressive).isProgressive)
        // 256×256 gray holds 128 KiB of coefficients: within the default limit, not within 64 KiB.
        let roomy = try #require(JPEGDecoder())
        #expect(try roomy.decodeGray(progressive).width == 256)
        let tight = try #require(JPEGDecoder(limits: JPEGLimits(maxDecoderMemory: 64 * 1024)))
        #expect(throws: JPEGRejection.needsTooMuchMemory(limit: 64 * 1024)) { try tight.decodeGray(progressive) }
        // A baseline image of the same size decodes row by row within the tight limit.
        #expect(try tight.decodeGray(encoder.encode(Self.ramp(width: 256, height: 256))).width == 256)
    }

    @Test func encoderRefusesWhatLibjpegCannotTake() throws {
        let encoder = try #require(JPEGEncoder())
        #expect(throws: JPEGEncoder.Failure.self) { try encoder.encode(Plane(width: 0, height: 0)) }
        #expect(throws: JPEGEncoder.Failure.self) { try encoder.encode(Plane(width: 8, height: 8), quality: 0) }
    }

    @Test func chooseTheCoarsestScaleThatKeepsTheWidth() {
        #expect(DCTScale.coarsest(forWidth: 1280, keepingAtLeast: 480) == .half)
        #expect(DCTScale.coarsest(forWidth: 1920, keepingAtLeast: 480) == .quarter)
        #expect(DCTScale.coarsest(forWidth: 1280, keepingAtLeast: 320) == .quarter)
        #expect(DCTScale.coarsest(forWidth: 200, keepingAtLeast: 320) == .full)
    }
}
