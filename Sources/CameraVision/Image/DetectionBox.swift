/// A detection's box as fractions of the frame, `[x, y, w, h]` on the wire (PROTOCOL.md), so it
/// means the same thing on the full picture, a scaled decode and the thumbnail.
public struct DetectionBox: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// From the wire form; nil unless four finite numbers describing a box that overlaps the frame.
    public init?(fractions: [Double]) {
        guard fractions.count == 4, fractions.allSatisfy(\.isFinite) else { return nil }
        let box = DetectionBox(x: fractions[0], y: fractions[1], width: fractions[2], height: fractions[3])
        guard box.width > 0, box.height > 0, box.x < 1, box.y < 1, box.x + box.width > 0, box.y + box.height > 0 else {
            return nil
        }
        self = box
    }

    public var fractions: [Double] { [x, y, width, height] }

    /// The inclusive pixel rectangle on a `width`×`height` image, clamped to it.
    public func pixelRect(width imageWidth: Int, height imageHeight: Int) -> PixelRect? {
        guard imageWidth > 0, imageHeight > 0 else { return nil }
        func clamp(_ value: Double, _ limit: Int) -> Int {
            Int(min(max(value, 0), Double(limit - 1)))
        }
        let left = clamp((x * Double(imageWidth)).rounded(.down), imageWidth)
        let top = clamp((y * Double(imageHeight)).rounded(.down), imageHeight)
        let right = clamp(((x + width) * Double(imageWidth)).rounded(.up) - 1, imageWidth)
        let bottom = clamp(((y + height) * Double(imageHeight)).rounded(.up) - 1, imageHeight)
        guard right >= left, bottom >= top else { return nil }
        return PixelRect(left: left, top: top, right: right, bottom: bottom)
    }
}

/// Inclusive pixel bounds.
public struct PixelRect: Sendable, Equatable {
    public var left: Int
    public var top: Int
    public var right: Int
    public var bottom: Int

    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    public var width: Int { right - left + 1 }
    public var height: Int { bottom - top + 1 }
}
