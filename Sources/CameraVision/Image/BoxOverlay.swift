extension RGBImage {
    /// Draws the outline of `box` (fractions of the image) `thickness` pixels wide, inside the box
    /// so that a box touching the frame edge stays visible.
    public mutating func drawOutline(of box: DetectionBox, colour: RGB = .alarmRed, thickness: Int = 2) {
        guard let rect = box.pixelRect(width: width, height: height), thickness > 0 else { return }
        let band = min(thickness, (min(rect.width, rect.height) + 1) / 2)
        for y in rect.top...rect.bottom {
            let inHorizontalBand = y < rect.top + band || y > rect.bottom - band
            if inHorizontalBand {
                for x in rect.left...rect.right { self[x, y] = colour }
            } else {
                for offset in 0..<band {
                    self[rect.left + offset, y] = colour
                    self[rect.right - offset, y] = colour
                }
            }
        }
    }
}
