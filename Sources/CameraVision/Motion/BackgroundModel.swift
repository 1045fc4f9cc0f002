/// A per-pixel running average of what the empty kitchen looks like at night, at working scale.
struct BackgroundModel: Sendable {
    private(set) var width = 0
    private(set) var height = 0
    private var mean: [Float] = []

    var isEmpty: Bool { mean.isEmpty }

    func matches(_ frame: Plane) -> Bool { frame.width == width && frame.height == height && !mean.isEmpty }

    mutating func reset(to frame: Plane) {
        width = frame.width
        height = frame.height
        mean.removeAll(keepingCapacity: true)
        mean.append(contentsOf: frame.pixels.lazy.map(Float.init))
    }

    /// Least-squares fit of frame ≈ gain × background + offset. Lights, auto-exposure and IR
    /// switching change the whole picture this way; a rodent or a person barely moves the fit.
    func photometricFit(_ frame: Plane) -> PhotometricFit {
        var sumB: Double = 0, sumF: Double = 0, sumBB: Double = 0, sumBF: Double = 0
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                // Row sums in Float stay exact enough and keep the inner loop cheap.
                for y in 0..<height {
                    var rowB: Float = 0, rowF: Float = 0, rowBB: Float = 0, rowBF: Float = 0
                    for index in (y * width)..<((y + 1) * width) {
                        let b = model[index], f = Float(pixels[index])
                        rowB += b
                        rowF += f
                        rowBB += b * b
                        rowBF += b * f
                    }
                    sumB += Double(rowB)
                    sumF += Double(rowF)
                    sumBB += Double(rowBB)
                    sumBF += Double(rowBF)
                }
            }
        }
        let count = Double(width * height)
        let denominator = count * sumBB - sumB * sumB
        guard count > 0, denominator > 1e-6 * count * count else {
            return PhotometricFit(gain: 1, offset: Float((sumF - sumB) / max(count, 1)))
        }
        let gain = (count * sumBF - sumB * sumF) / denominator
        let offset = (sumF - gain * sumB) / count
        return PhotometricFit(gain: Float(gain), offset: Float(offset))
    }

    /// Marks pixels that differ from the fitted background by more than the threshold (1 in
    /// `mask`), the threshold being the larger of `minDifference` and `noiseMultiplier` × the
    /// frame's noise (1.4826 × median absolute residual). Returns the threshold used.
    func foreground(_ frame: Plane, fit: PhotometricFit, minDifference: Float, noiseMultiplier: Float,
                    histogram: inout [Int], mask: inout [UInt8]) -> Float {
        let count = width * height
        if histogram.count != 256 { histogram = [Int](repeating: 0, count: 256) }
        for index in 0..<256 { histogram[index] = 0 }
        if mask.count != count { mask = [UInt8](repeating: 0, count: count) }
        var threshold = minDifference
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                histogram.withUnsafeMutableBufferPointer { bins in
                    for index in 0..<count {
                        let residual = Float(pixels[index]) - (fit.gain * model[index] + fit.offset)
                        bins[min(255, Int(abs(residual)))] += 1
                    }
                    var seen = 0, medianAbsolute = 0
                    while medianAbsolute < 255, seen + bins[medianAbsolute] < count / 2 {
                        seen += bins[medianAbsolute]
                        medianAbsolute += 1
                    }
                    // +0.5: the histogram floors each residual, the median sits mid-bin.
                    let noise = 1.4826 * (Float(medianAbsolute) + 0.5)
                    threshold = max(minDifference, noiseMultiplier * noise)
                }
                mask.withUnsafeMutableBufferPointer { marks in
                    for index in 0..<count {
                        let residual = Float(pixels[index]) - (fit.gain * model[index] + fit.offset)
                        marks[index] = abs(residual) >= threshold ? 1 : 0
                    }
                }
            }
        }
        return threshold
    }

    /// Selective running average: background pixels follow quickly, foreground ones slowly, so a
    /// passing rodent does not smear into the model but a chair moved at closing time fades in.
    mutating func update(_ frame: Plane, mask: [UInt8], backgroundRate: Float, foregroundRate: Float) {
        frame.pixels.withUnsafeBufferPointer { pixels in
            mask.withUnsafeBufferPointer { marks in
                mean.withUnsafeMutableBufferPointer { model in
                    for index in 0..<model.count {
                        let rate = marks[index] == 0 ? backgroundRate : foregroundRate
                        model[index] += rate * (Float(pixels[index]) - model[index])
                    }
                }
            }
        }
    }

    /// Running average while the model is first learnt: frame n weighs 1/n.
    mutating func blend(_ frame: Plane, weight: Float) {
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeMutableBufferPointer { model in
                for index in 0..<model.count {
                    model[index] += weight * (Float(pixels[index]) - model[index])
                }
            }
        }
    }
}

struct PhotometricFit: Sendable, Equatable {
    var gain: Float
    var offset: Float
}
