/// One connected group of foreground pixels, in working-scale pixel coordinates.
struct Blob: Sendable, Equatable {
    var minX: Int
    var minY: Int
    var maxX: Int
    var maxY: Int
    var pixelCount: Int
    var sumX: Int
    var sumY: Int

    var width: Int { maxX - minX + 1 }
    var height: Int { maxY - minY + 1 }
    var centroidX: Double { Double(sumX) / Double(pixelCount) }
    var centroidY: Double { Double(sumY) / Double(pixelCount) }
}

/// Labels connected foreground pixels by flood fill. Neighbours are taken within two pixels, so
/// a body split by a one-pixel seam of background-coloured clothing stays one blob. The fill
/// clears the mask bytes it takes (no separate visited map to clear each frame). Keeps its stack
/// and blob list between frames.
struct ComponentLabeler: Sendable {
    static let reach = 2
    private var stack: [Int32] = []
    private(set) var blobs: [Blob] = []

    /// Finds blobs of at least `minPixels`, consuming `mask` (all zeros afterwards when it
    /// returns true); stops early and returns false past `maxBlobs`, which only a global change
    /// (noise storm, flicker) produces. `rowCounts`, when given, is each row's number of marks:
    /// rows without any are not scanned.
    mutating func label(_ mask: inout [UInt8], rowCounts: [Int32]? = nil, width: Int, height: Int,
                        minPixels: Int, maxBlobs: Int) -> Bool {
        precondition(mask.count == width * height, "mask size")
        blobs.removeAll(keepingCapacity: true)
        var found = 0
        for y in 0..<height {
            if let rowCounts, rowCounts[y] == 0 { continue }
            var start = y * width
            let rowEnd = start + width
            while let next = Self.nextMarked(in: mask, from: start, to: rowEnd) {
                start = next + 1
                let blob = fill(from: next, mask: &mask, width: width, height: height)
                found += 1
                if found > maxBlobs * 4 { return false }
                if blob.pixelCount >= minPixels {
                    blobs.append(blob)
                    if blobs.count > maxBlobs { return false }
                }
            }
        }
        return true
    }

    /// The first non-zero byte of `mask` in `start..<end`. The mask is almost all zeros at
    /// night, so it is skipped eight bytes at a time.
    static func nextMarked(in mask: [UInt8], from start: Int, to end: Int) -> Int? {
        mask.withUnsafeBytes { raw -> Int? in
            var index = start
            let count = min(end, raw.count)
            while index < count, index & 7 != 0 {
                if raw[index] != 0 { return index }
                index += 1
            }
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word != 0 { return index + UInt64(littleEndian: word).trailingZeroBitCount / 8 }
                index += 8
            }
            while index < count {
                if raw[index] != 0 { return index }
                index += 1
            }
            return nil
        }
    }

    private mutating func fill(from start: Int, mask: inout [UInt8], width: Int, height: Int) -> Blob {
        let reach = Self.reach
        var blob = Blob(minX: width, minY: height, maxX: -1, maxY: -1, pixelCount: 0, sumX: 0, sumY: 0)
        stack.removeAll(keepingCapacity: true)
        stack.append(Int32(start))
        mask[start] = 0
        while let top = stack.popLast() {
            let index = Int(top)
            let x = index % width, y = index / width
            blob.minX = min(blob.minX, x)
            blob.maxX = max(blob.maxX, x)
            blob.minY = min(blob.minY, y)
            blob.maxY = max(blob.maxY, y)
            blob.pixelCount += 1
            blob.sumX += x
            blob.sumY += y
            for neighbourY in max(0, y - reach)...min(height - 1, y + reach) {
                for neighbourX in max(0, x - reach)...min(width - 1, x + reach) {
                    let neighbour = neighbourY * width + neighbourX
                    if mask[neighbour] != 0 {
                        mask[neighbour] = 0
                        stack.append(Int32(neighbour))
                    }
                }
            }
        }
        return blob
    }
}
