/// Something in the kitchen that is not the kitchen: an ellipse in frame fractions.
public struct SceneObject: Sendable, Equatable {
    public var centreX: Double
    public var centreY: Double
    /// Half-width as a fraction of the frame's width.
    public var radiusX: Double
    /// Half-height as a fraction of the frame's height.
    public var radiusY: Double
    /// Luminance under full light, 0–255.
    public var reflectance: Double

    public init(centreX: Double, centreY: Double, radiusX: Double, radiusY: Double, reflectance: Double) {
        self.centreX = centreX
        self.centreY = centreY
        self.radiusX = radiusX
        self.radiusY = radiusY
        self.reflectance = reflectance
    }

    /// About 1.2 % of the frame's width long, dark against the floor.
    public static func rodent(at x: Double, _ y: Double, reflectance: Double = 35) -> SceneObject {
        SceneObject(centreX: x, centreY: y, radiusX: 0.006, radiusY: 0.006, reflectance: reflectance)
    }

    /// A standing adult at a few metres: about a third of the frame's height.
    public static func person(at x: Double, _ y: Double, reflectance: Double = 70) -> SceneObject {
        SceneObject(centreX: x, centreY: y, radiusX: 0.035, radiusY: 0.17, reflectance: reflectance)
    }

    /// The bounding box as fractions `[x, y, w, h]`.
    public var box: DetectionBox {
        DetectionBox(x: centreX - radiusX, y: centreY - radiusY, width: 2 * radiusX, height: 2 * radiusY)
    }
}

/// How the camera sees the kitchen for one frame.
public struct SceneConditions: Sendable, Equatable {
    /// 1 with the lights on; about 0.45 for a night picture under IR.
    public var lighting: Double
    /// Added to every pixel: exposure or IR glow.
    public var offset: Double
    /// Standard deviation of the per-pixel sensor noise, in levels.
    public var noiseSigma: Double
    /// Box-blur radius in pixels at the rendered size (applied twice, close to a Gaussian); 0: sharp.
    public var defocusRadius: Int
    public var lensCovered: Bool
    public var objects: [SceneObject]

    public init(lighting: Double = 1, offset: Double = 0, noiseSigma: Double = 3, defocusRadius: Int = 0,
                lensCovered: Bool = false, objects: [SceneObject] = []) {
        self.lighting = lighting
        self.offset = offset
        self.noiseSigma = noiseSigma
        self.defocusRadius = defocusRadius
        self.lensCovered = lensCovered
        self.objects = objects
    }

    /// Service: lights on, light noise.
    public static let day = SceneConditions(lighting: 1, noiseSigma: 3)
    /// Closed kitchen under IR: dim, grainier.
    public static let night = SceneConditions(lighting: 0.45, offset: 8, noiseSigma: 4)
}
