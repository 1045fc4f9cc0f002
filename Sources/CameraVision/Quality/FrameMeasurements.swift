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
        plane.pixels.withUnsafeBufferPointer { pixels in
            for value in pixels {
                let level = Int(value)
                sum &+= level
                sumSquares &+= level * level
                if value <= nearBlackLevel { nearBlack += 1 }
            }
            for y in 1..<(height - 1) {
                let row = y * width
                for x in 1..<(width - 1) {
                    let centre = row + x
                    let laplacian = Int(pixels[centre - 1]) + Int(pixels[centre + 1]) + Int(pixels[centre - width])
                        + Int(pixels[centre + width]) - 4 * Int(pixels[centre])
                    laplacianSum &+= laplacian
                    laplacianSquares &+= laplacian * laplacian
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
            changeFromPrevious: previous.flatMap { meanAbsoluteDifference(plane, $0) })
    }

    private static func meanAbsoluteDifference(_ a: Plane, _ b: Plane) -> Double? {
        guard a.width == b.width, a.height == b.height, a.count > 0 else { return nil }
        var total = 0
        a.pixels.withUnsafeBufferPointer { left in
            b.pixels.withUnsafeBufferPointer { right in
                for index in 0..<left.count { total &+= abs(Int(left[index]) - Int(right[index])) }
            }
        }
        return Double(total) / Double(a.count)
    }
}
