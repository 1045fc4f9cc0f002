/// The static kitchen every synthetic frame starts from, as luminance under full light.
enum KitchenBackdrop {
    static func paint(width: Int, height: Int, random: inout SceneRandom) -> [Float] {
        var scene = [Float](repeating: 0, count: width * height)
        let w = Double(width), h = Double(height)
        let counterTop = Int(0.46 * h), floorTop = Int(SyntheticKitchen.floorTop * h)

        func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ level: Float) {
            let left = max(0, x0), right = min(width, x1), top = max(0, y0), bottom = min(height, y1)
            guard left < right, top < bottom else { return }
            for y in top..<bottom {
                for x in left..<right { scene[y * width + x] = level }
            }
        }

        // Wall: white tiles with grey grout.
        fill(0, 0, width, counterTop, 185)
        let wallTile = max(4, Int(w / 40))
        for y in 0..<counterTop where y % wallTile == 0 { fill(0, y, width, y + 1, 140) }
        for x in stride(from: 0, to: width, by: wallTile) { fill(x, 0, x + 1, counterTop, 140) }

        // Wall cabinets with dark edges and handles.
        var x = Int(0.04 * w)
        while x < width - Int(0.1 * w) {
            let cabinetWidth = Int((0.1 + 0.06 * random.unit()) * w)
            let level = Float(110 + 60 * random.unit())
            fill(x, Int(0.06 * h), x + cabinetWidth, Int(0.3 * h), level)
            fill(x, Int(0.06 * h), x + cabinetWidth, Int(0.06 * h) + 2, 50)
            fill(x, Int(0.3 * h) - 2, x + cabinetWidth, Int(0.3 * h), 50)
            fill(x, Int(0.06 * h), x + 2, Int(0.3 * h), 50)
            fill(x + cabinetWidth - 2, Int(0.06 * h), x + cabinetWidth, Int(0.3 * h), 50)
            let handle = x + cabinetWidth / 2
            fill(handle - Int(0.015 * w), Int(0.26 * h), handle + Int(0.015 * w), Int(0.26 * h) + 2, 40)
            x += cabinetWidth + Int(0.03 * w)
        }

        // Steel counter: brushed stripes.
        for y in counterTop..<floorTop {
            let stripe = Float(150 + 40 * Double(y - counterTop) / Double(max(1, floorTop - counterTop)))
            fill(0, y, width, y + 1, (y % 3 == 0) ? stripe - 25 : stripe)
        }

        // Floor: tiles in two tones, dark grout, larger towards the camera.
        for y in floorTop..<height {
            let depth = Double(y - floorTop) / Double(max(1, height - floorTop))
            let tile = max(6, Int(w / 24 * (0.6 + depth)))
            let tileRow = (y - floorTop) / max(3, tile / 2)
            for x in 0..<width {
                let tileColumn = x / tile
                let grout = x % tile < 2 || (y - floorTop) % max(3, tile / 2) < 2
                scene[y * width + x] = grout ? 95 : ((tileRow + tileColumn) % 2 == 0 ? 150 : 165)
            }
        }

        // Fixed speckle (dirt, grain of surfaces) and lens vignetting.
        for y in 0..<height {
            let dy = (Double(y) - h / 2) / (h / 2)
            for x in 0..<width {
                let dx = (Double(x) - w / 2) / (w / 2)
                let vignette = Float(1 - 0.18 * (dx * dx + dy * dy) / 2)
                let speckle = Float(random.unit() * 16 - 8)
                scene[y * width + x] = (scene[y * width + x] + speckle) * vignette
            }
        }
        return scene
    }
}
