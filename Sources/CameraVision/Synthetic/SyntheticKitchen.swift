/// Generates camera pictures of a kitchen with known contents, for the tests, the detection-rate
/// evaluation and the benchmark (and for simulated cameras without on-board AI): a textured
/// static scene (wall tiles, cabinets, a steel counter, a tiled floor, fixed speckle, vignetting),
/// lit at any level, with objects, defocus and fresh sensor noise on every frame. Every size is a
/// fraction of the frame, so a 320-pixel test scene looks like a 1080p one.
public struct SyntheticKitchen: Sendable {
    public let width: Int
    public let height: Int
    /// The floor's top edge as a fraction of the height: rodents run below it.
    public static let floorTop = 0.58
    private let scene: [Float]
    private var random: SceneRandom
    private var gaussian: [Float]
    private var canvas: [Float] = []
    private var blurScratch: [Float] = []

    public init(width: Int, height: Int, seed: UInt64 = 1) {
        precondition(width >= 16 && height >= 16, "scene too small")
        self.width = width
        self.height = height
        var random = SceneRandom(seed: seed)
        scene = KitchenBackdrop.paint(width: width, height: height, random: &random)
        gaussian = (0..<4096).map { _ in Self.standardNormal(&random) }
        self.random = random
    }

    public mutating func renderPlane(_ conditions: SceneConditions) -> Plane {
        compose(conditions)
        var plane = Plane(width: width, height: height)
        for index in 0..<canvas.count { plane.pixels[index] = Self.clamp(canvas[index]) }
        return plane
    }

    /// Colour as a camera sends it: a slight warm tint, so the chroma planes are not empty.
    public mutating func renderRGB(_ conditions: SceneConditions) -> RGBImage {
        compose(conditions)
        var image = RGBImage(width: width, height: height)
        image.pixels.withUnsafeMutableBufferPointer { bytes in
            for index in 0..<canvas.count {
                let level = canvas[index]
                bytes[index * 3] = Self.clamp(level * 1.04 + 2)
                bytes[index * 3 + 1] = Self.clamp(level)
                bytes[index * 3 + 2] = Self.clamp(level * 0.92)
            }
        }
        return image
    }

    /// A frame encoded as the camera would send it.
    public mutating func jpeg(_ conditions: SceneConditions, encoder: JPEGEncoder, quality: Int = 80) throws(JPEGEncoder.Failure) -> [UInt8] {
        try encoder.encode(renderRGB(conditions), quality: quality)
    }

    private mutating func compose(_ conditions: SceneConditions) {
        let count = width * height
        if canvas.count != count { canvas = [Float](repeating: 0, count: count) }
        if conditions.lensCovered {
            // A hand or tape over the lens: almost no light and no detail.
            for index in 0..<count { canvas[index] = 9 }
        } else {
            let gain = Float(conditions.lighting), offset = Float(conditions.offset)
            for index in 0..<count { canvas[index] = scene[index] * gain + offset }
            for object in conditions.objects { draw(object, gain: gain, offset: offset) }
            if conditions.defocusRadius > 0 {
                boxBlur(radius: conditions.defocusRadius)
                boxBlur(radius: conditions.defocusRadius)
            }
        }
        addNoise(sigma: Float(conditions.lensCovered ? min(conditions.noiseSigma, 1) : conditions.noiseSigma))
    }

    private mutating func draw(_ object: SceneObject, gain: Float, offset: Float) {
        let cx = object.centreX * Double(width), cy = object.centreY * Double(height)
        let rx = max(0.5, object.radiusX * Double(width)), ry = max(0.5, object.radiusY * Double(height))
        let top = max(0, Int((cy - ry).rounded(.down))), bottom = min(height - 1, Int((cy + ry).rounded(.up)))
        let left = max(0, Int((cx - rx).rounded(.down))), right = min(width - 1, Int((cx + rx).rounded(.up)))
        guard top <= bottom, left <= right else { return }
        let level = Float(object.reflectance) * gain + offset
        for y in top...bottom {
            let dy = (Double(y) + 0.5 - cy) / ry
            for x in left...right {
                let dx = (Double(x) + 0.5 - cx) / rx
                if dx * dx + dy * dy <= 1 { canvas[y * width + x] = level }
            }
        }
    }

    private mutating func addNoise(sigma: Float) {
        guard sigma > 0 else { return }
        let count = canvas.count
        var index = 0
        while index < count {
            // Four 12-bit table indices per random word.
            var bits = random.next()
            for _ in 0..<4 where index < count {
                canvas[index] += sigma * gaussian[Int(bits & 0xFFF)]
                bits >>= 16
                index += 1
            }
        }
    }

    /// Separable running-mean blur with clamped edges.
    private mutating func boxBlur(radius: Int) {
        if blurScratch.count != canvas.count { blurScratch = [Float](repeating: 0, count: canvas.count) }
        let span = Float(2 * radius + 1)
        for y in 0..<height {
            let row = y * width
            var sum: Float = 0
            for k in -radius...radius { sum += canvas[row + min(max(k, 0), width - 1)] }
            for x in 0..<width {
                blurScratch[row + x] = sum / span
                sum += canvas[row + min(x + radius + 1, width - 1)] - canvas[row + max(x - radius, 0)]
            }
        }
        for x in 0..<width {
            var sum: Float = 0
            for k in -radius...radius { sum += blurScratch[min(max(k, 0), height - 1) * width + x] }
            for y in 0..<height {
                canvas[y * width + x] = sum / span
                sum += blurScratch[min(y + radius + 1, height - 1) * width + x] - blurScratch[max(y - radius, 0) * width + x]
            }
        }
    }

    private static func clamp(_ value: Float) -> UInt8 {
        UInt8(min(max(value.rounded(), 0), 255))
    }

    /// Irwin–Hall: twelve uniforms less six is close enough to a unit Gaussian for sensor noise.
    private static func standardNormal(_ random: inout SceneRandom) -> Float {
        var sum = 0.0
        for _ in 0..<12 { sum += random.unit() }
        return Float(sum - 6)
    }
}
