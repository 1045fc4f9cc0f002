import CameraVision
import Testing

/// The word-at-a-time and vectorised loops must give exactly what the plain definitions give.
@Suite("Fast paths agree with the plain definitions")
struct FastPathTests {
    /// Deterministic noise with some flat runs, so rounding ties and equal neighbours occur.
    static func plane(width: Int, height: Int, seed: UInt64) -> Plane {
        var state = seed
        let pixels = (0..<(width * height)).map { index -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = UInt8(truncatingIfNeeded: state >> 56)
            return index % 7 == 0 ? 255 : (index % 11 == 0 ? 0 : value)
        }
        return Plane(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [(640, 360), (646, 10), (14, 6), (6, 4)])
    func halvingIsTheRoundedTwoByTwoMean(size: (Int, Int)) {
        let (width, height) = size
        let source = Self.plane(width: width, height: height, seed: 7)
        var resampler = AreaResampler()
        var halved = Plane(width: 0, height: 0)
        resampler.resample(source, into: &halved, width: width / 2, height: height / 2)
        for y in 0..<(height / 2) {
            for x in 0..<(width / 2) {
                let sum = Int(source[2 * x, 2 * y]) + Int(source[2 * x + 1, 2 * y])
                    + Int(source[2 * x, 2 * y + 1]) + Int(source[2 * x + 1, 2 * y + 1])
                #expect(Int(halved[x, y]) == (sum + 2) / 4, "at \(x),\(y)")
            }
        }
    }

    @Test func sameSizeResampleCopies() {
        let source = Self.plane(width: 320, height: 180, seed: 3)
        var resampler = AreaResampler()
        var copy = Plane(width: 5, height: 5)
        resampler.resample(source, into: &copy, width: 320, height: 180)
        #expect(copy == source)
    }

    @Test func measurementsMatchTheirDefinitions() throws {
        let width = 320, height = 180
        let frame = Self.plane(width: width, height: height, seed: 11)
        let previous = Self.plane(width: width, height: height, seed: 12)
        let measured = FrameMeasurements.measure(frame, previous: previous, nearBlackLevel: 40)

        let values = frame.pixels.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        var laplacians: [Double] = []
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let around = Int(frame[x - 1, y]) + Int(frame[x + 1, y]) + Int(frame[x, y - 1]) + Int(frame[x, y + 1])
                laplacians.append(Double(around - 4 * Int(frame[x, y])))
            }
        }
        let laplacianMean = laplacians.reduce(0, +) / Double(laplacians.count)
        let laplacianVariance = laplacians.map { ($0 - laplacianMean) * ($0 - laplacianMean) }.reduce(0, +)
            / Double(laplacians.count)
        let change = zip(frame.pixels, previous.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
            / Double(values.count)
        let black = Double(frame.pixels.filter { $0 <= 40 }.count) / Double(values.count)

        #expect(abs(measured.meanLuminance - mean) < 1e-9)
        #expect(abs(measured.contrast - variance.squareRoot()) < 1e-6)
        #expect(abs(measured.sharpness - laplacianVariance / variance) < 1e-6)
        #expect(abs(measured.nearBlackFraction - black) < 1e-12)
        #expect(abs(try #require(measured.changeFromPrevious) - change) < 1e-9)
    }
}
