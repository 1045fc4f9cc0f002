/// An 8-bit RGB image, 3 bytes a pixel, rows packed: evidence thumbnails are drawn on these.
public struct RGBImage: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// Row-major, `width * height * 3` bytes, R G B.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGB = RGB(0, 0, 0)) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: width * height * 3)
        if fill != RGB(0, 0, 0) {
            for index in 0..<(width * height) { setPixel(index, fill) }
        }
    }

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "byte count does not match \(width)×\(height) RGB")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> RGB {
        get {
            let base = (y * width + x) * 3
            return RGB(pixels[base], pixels[base + 1], pixels[base + 2])
        }
        set { setPixel(y * width + x, newValue) }
    }

    /// Changes the size keeping the storage; contents are unspecified afterwards.
    public mutating func reshape(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "negative image size")
        let needed = width * height * 3
        if pixels.count < needed {
            pixels.append(contentsOf: repeatElement(0, count: needed - pixels.count))
        } else if pixels.count > needed {
            pixels.removeLast(pixels.count - needed)
        }
        self.width = width
        self.height = height
    }

    private mutating func setPixel(_ index: Int, _ colour: RGB) {
        pixels[index * 3] = colour.red
        pixels[index * 3 + 1] = colour.green
        pixels[index * 3 + 2] = colour.blue
    }
}

public struct RGB: Sendable, Equatable, Codable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let alarmRed = RGB(255, 32, 32)
}
