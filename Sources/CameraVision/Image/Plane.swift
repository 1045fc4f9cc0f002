/// An 8-bit grayscale image, rows packed. Analysis works on luminance only: libjpeg then never
/// decodes the chroma planes.
public struct Plane: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// Row-major, `width * height` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "negative plane size")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: fill, count: width * height)
    }

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "pixel count does not match \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public var count: Int { width * height }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Changes the size keeping the storage, so a buffer reused frame after frame is allocated
    /// once. Pixel contents are unspecified afterwards.
    public mutating func reshape(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "negative plane size")
        let needed = width * height
        if pixels.count < needed {
            pixels.append(contentsOf: repeatElement(0, count: needed - pixels.count))
        } else if pixels.count > needed {
            pixels.removeLast(pixels.count - needed)
        }
        self.width = width
        self.height = height
    }

    public var meanLuminance: Double {
        guard count > 0 else { return 0 }
        var sum = 0
        for value in pixels { sum &+= Int(value) }
        return Double(sum) / Double(count)
    }
}
