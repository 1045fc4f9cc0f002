/// How evidence thumbnails look.
public struct ThumbnailConfig: Codable, Sendable, Equatable {
    /// Default 320 px wide; the height keeps the aspect ratio.
    public var width: Int
    /// JPEG quality 1–100. Default 80.
    public var quality: Int
    public var boxColour: RGB
    /// Outline width in thumbnail pixels. Default 2.
    public var boxThickness: Int

    public init(width: Int = 320, quality: Int = 80, boxColour: RGB = .alarmRed, boxThickness: Int = 2) {
        self.width = width
        self.quality = quality
        self.boxColour = boxColour
        self.boxThickness = boxThickness
    }
}
