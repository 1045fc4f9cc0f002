/// Resizes by averaging every source pixel that falls into a destination pixel (a box filter):
/// no aliasing when shrinking, which matters for the sharpness and noise measures. Keeps its
/// column tables and row accumulator between calls so a stream of same-sized frames allocates nothing.
public struct AreaResampler: Sendable {
    private var columnStarts: [Int] = []
    private var columnEnds: [Int] = []
    private var accumulator: [UInt32] = []
    private var tableKey = (source: 0, destination: 0, channels: 0)

    public init() {}

    public mutating func resample(_ source: Plane, into destination: inout Plane, width: Int, height: Int) {
        destination.reshape(width: width, height: height)
        source.pixels.withUnsafeBufferPointer { input in
            destination.pixels.withUnsafeMutableBufferPointer { output in
                // The usual cases (night 720p at 1/2 scale to the 320 diagnosis width, day 720p
                // at 1/4 already 320 wide) have dedicated loops with the same rounding.
                if source.width == 2 * width, source.height == 2 * height {
                    Self.halve(input, sourceWidth: source.width, into: output, width: width, height: height)
                } else if source.width == width, source.height == height {
                    if let from = input.baseAddress, let to = output.baseAddress {
                        UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: width * height)
                    }
                } else {
                    resample(input, sourceWidth: source.width, sourceHeight: source.height, channels: 1,
                             into: output, width: width, height: height)
                }
            }
        }
    }

    /// 2×2 box average, rounded like the general path: (sum + 2) / 4.
    private static func halve(_ input: UnsafeBufferPointer<UInt8>, sourceWidth: Int,
                              into output: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return }
        for y in 0..<height {
            let top = source + 2 * y * sourceWidth, bottom = top + sourceWidth
            let row = target + y * width
            var x = 0
            #if _endian(little)
            // Sixteen output pixels from 32 bytes of each row: read as 16-bit lanes, a lane's low
            // byte is the even pixel and its high byte the odd one; the rounded sums (at most
            // 4 × 255 + 2) narrow back to bytes.
            let low = SIMD8<UInt16>(repeating: 0xFF), two = SIMD8<UInt16>(repeating: 2)
            while x + 16 <= width {
                let upper = UnsafeRawPointer(top + 2 * x), lower = UnsafeRawPointer(bottom + 2 * x)
                let upper0 = upper.loadUnaligned(as: SIMD8<UInt16>.self)
                let upper1 = upper.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self)
                let lower0 = lower.loadUnaligned(as: SIMD8<UInt16>.self)
                let lower1 = lower.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self)
                let sum0 = (upper0 & low) &+ (upper0 &>> 8) &+ (lower0 & low) &+ (lower0 &>> 8) &+ two
                let sum1 = (upper1 & low) &+ (upper1 &>> 8) &+ (lower1 & low) &+ (lower1 &>> 8) &+ two
                let packed = SIMD16<UInt8>(truncatingIfNeeded: SIMD16<UInt16>(lowHalf: sum0 &>> 2, highHalf: sum1 &>> 2))
                UnsafeMutableRawPointer(row + x).storeBytes(of: packed, as: SIMD16<UInt8>.self)
                x += 16
            }
            // Four output pixels from one 8-byte load of each row: adjacent bytes summed into
            // 16-bit lanes (at most 4 × 255), rounded, and the four low bytes packed together.
            let lanes: UInt64 = 0x00FF_00FF_00FF_00FF
            while x + 4 <= width {
                let upper = UnsafeRawPointer(top + 2 * x).loadUnaligned(as: UInt64.self)
                let lower = UnsafeRawPointer(bottom + 2 * x).loadUnaligned(as: UInt64.self)
                var sums = (upper & lanes) &+ ((upper >> 8) & lanes) &+ (lower & lanes) &+ ((lower >> 8) & lanes)
                sums = ((sums &+ 0x0002_0002_0002_0002) >> 2) & lanes
                sums = (sums | (sums >> 8)) & 0x0000_FFFF_0000_FFFF
                sums = (sums | (sums >> 16)) & 0xFFFF_FFFF
                UnsafeMutableRawPointer(row + x).storeBytes(of: UInt32(truncatingIfNeeded: sums), as: UInt32.self)
                x += 4
            }
            #endif
            while x < width {
                let sum = UInt16(top[2 * x]) &+ UInt16(top[2 * x + 1]) &+ UInt16(bottom[2 * x]) &+ UInt16(bottom[2 * x + 1])
                row[x] = UInt8(truncatingIfNeeded: (sum &+ 2) >> 2)
                x += 1
            }
        }
    }

    public mutating func resample(_ source: RGBImage, into destination: inout RGBImage, width: Int, height: Int) {
        destination.reshape(width: width, height: height)
        source.pixels.withUnsafeBufferPointer { input in
            destination.pixels.withUnsafeMutableBufferPointer { output in
                resample(input, sourceWidth: source.width, sourceHeight: source.height, channels: 3,
                         into: output, width: width, height: height)
            }
        }
    }

    private mutating func prepareColumns(sourceWidth: Int, width: Int, channels: Int) {
        guard tableKey != (sourceWidth, width, channels) else { return }
        tableKey = (sourceWidth, width, channels)
        columnStarts = (0..<width).map { $0 * sourceWidth / width }
        columnEnds = (0..<width).map { max($0 * sourceWidth / width + 1, ($0 + 1) * sourceWidth / width) }
        accumulator = [UInt32](repeating: 0, count: width * channels)
    }

    private mutating func resample(_ input: UnsafeBufferPointer<UInt8>, sourceWidth: Int, sourceHeight: Int,
                                   channels: Int, into output: UnsafeMutableBufferPointer<UInt8>,
                                   width: Int, height: Int) {
        guard width > 0, height > 0, sourceWidth > 0, sourceHeight > 0 else { return }
        prepareColumns(sourceWidth: sourceWidth, width: width, channels: channels)
        let starts = columnStarts, ends = columnEnds
        accumulator.withUnsafeMutableBufferPointer { sums in
            for outY in 0..<height {
                let rowStart = outY * sourceHeight / height
                let rowEnd = max(rowStart + 1, (outY + 1) * sourceHeight / height)
                for index in 0..<sums.count { sums[index] = 0 }
                for sourceY in rowStart..<rowEnd {
                    let row = sourceY * sourceWidth * channels
                    for outX in 0..<width {
                        for sourceX in starts[outX]..<ends[outX] {
                            let pixel = row + sourceX * channels
                            for channel in 0..<channels {
                                sums[outX * channels + channel] &+= UInt32(input[pixel + channel])
                            }
                        }
                    }
                }
                let rows = UInt32(rowEnd - rowStart)
                let outRow = outY * width * channels
                for outX in 0..<width {
                    let area = rows * UInt32(ends[outX] - starts[outX])
                    for channel in 0..<channels {
                        let sum = sums[outX * channels + channel]
                        output[outRow + outX * channels + channel] = UInt8((sum + area / 2) / area)
                    }
                }
            }
        }
    }
}
