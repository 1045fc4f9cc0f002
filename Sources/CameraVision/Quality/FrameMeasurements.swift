/// The figures the diagnosis judges, taken on the fixed-size downscale of one frame.
public struct FrameMeasurements: Sendable, Equatable, Codable {
    public var meanLuminance: Double
    /// Fraction of pixels at or below the near-black level.
    public var nearBlackFraction: Double
    /// Standard deviation of luminance.
    public var contrast: Double
    /// Variance of the Laplacian divided by the variance of luminance. Dividing by contrast makes
    /// it independent of lighting and exposure, so a lights-off night is not mistaken for blur.
    public var sharpness: Double
    /// Mean absolute difference from the previous frame, nil for the first.
    public var changeFromPrevious: Double?

    public init(meanLuminance: Double, nearBlackFraction: Double, contrast: Double, sharpness: Double,
                changeFromPrevious: Double?) {
        self.meanLuminance = meanLuminance
        self.nearBlackFraction = nearBlackFraction
        self.contrast = contrast
        self.sharpness = sharpness
        self.changeFromPrevious = changeFromPrevious
    }

    /// Measures `plane`; `previous`, when of the same size, gives the frame-to-frame change.
    public static func measure(_ plane: Plane, previous: Plane?, nearBlackLevel: UInt8) -> FrameMeasurements {
        let width = plane.width, height = plane.height
        guard width >= 3, height >= 3 else {
            return FrameMeasurements(meanLuminance: plane.meanLuminance, nearBlackFraction: 0, contrast: 0,
                                     sharpness: 0, changeFromPrevious: nil)
        }
        var sum = 0, sumSquares = 0, nearBlack = 0
        var laplacianSum = 0, laplacianSquares = 0
        var difference = 0
        let compared = previous.flatMap { $0.width == width && $0.height == height ? $0 : nil }
        // Unsafe pointers and 32-bit per-row accumulators let the compiler vectorise the loops
        // (no bounds checks, no 64-bit lanes); the row sums are widened once per row.
        plane.pixels.withUnsafeBufferPointer { buffer in
            let pixels = buffer.baseAddress!
            // Mean, contrast and near-black all follow from the histogram of levels.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { histogram in
                histogram.initialize(repeating: 0)
                for index in 0..<(width * height) { histogram[Int(pixels[index])] &+= 1 }
                for level in 0..<256 {
                    let seen = histogram[level]
                    sum &+= seen &* level
                    sumSquares &+= seen &* level &* level
                    if level <= Int(nearBlackLevel) { nearBlack &+= seen }
                }
            }
            for y in 1..<(height - 1) {
                let row = pixels + y * width
                let above = row - width, below = row + width
                // Chunks of 2048: 2048 × 1020² still fits 31 bits, whatever the configured width.
                for chunk in stride(from: 1, to: width - 1, by: 2048) {
                    var rowLaplacian: Int32 = 0, rowLaplacianSquares: Int32 = 0
                    for x in chunk..<min(width - 1, chunk + 2048) {
                        // ±1020 fits 16 bits: 16-bit lanes, squared into 32-bit sums.
                        let laplacian = Int16(row[x - 1]) &+ Int16(row[x + 1]) &+ Int16(above[x]) &+ Int16(below[x])
                            &- 4 &* Int16(row[x])
                        rowLaplacian &+= Int32(laplacian)
                        rowLaplacianSquares &+= Int32(laplacian) &* Int32(laplacian)
                    }
                    laplacianSum &+= Int(rowLaplacian)
                    laplacianSquares &+= Int(rowLaplacianSquares)
                }
            }
            guard let compared else { return }
            compared.pixels.withUnsafeBufferPointer { other in
                let before = other.baseAddress!
                for y in 0..<height {
                    let row = pixels + y * width, old = before + y * width
                    var rowDifference: UInt32 = 0
                    for x in 0..<width {
                        rowDifference &+= (Int32(row[x]) &- Int32(old[x])).magnitude
                    }
                    difference &+= Int(rowDifference)
                }
            }
        }
        let count = Double(width * height)
        let mean = Double(sum) / count
        let variance = max(0, Double(sumSquares) / count - mean * mean)
        let inner = Double((width - 2) * (height - 2))
        let laplacianMean = Double(laplacianSum) / inner
        let laplacianVariance = max(0, Double(laplacianSquares) / inner - laplacianMean * laplacianMean)
        return FrameMeasurements(
            meanLuminance: mean,
            nearBlackFraction: Double(nearBlack) / count,
            contrast: variance.squareRoot(),
            sharpness: variance > 0 ? laplacianVariance / variance : 0,
            changeFromPrevious: compared.map { _ in Double(difference) / count })
    }
}
