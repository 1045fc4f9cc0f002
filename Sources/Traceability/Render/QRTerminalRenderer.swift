/// Draws a QR symbol with Unicode half blocks, two module rows per text line, so it is square
/// and scannable in a terminal (`brightkitchen verify`, logs, SSH sessions).
public struct QRTerminalRenderer: Sendable {
    /// The terminal's background colour, which decides which modules the glyphs draw.
    public enum Background: Sendable {
        /// Light text on a dark background (most terminals): glyphs draw the light modules and
        /// the background shows through as the dark ones.
        case dark
        /// Dark text on a light background (or print): glyphs draw the dark modules.
        case light
    }

    /// The background the output is meant for.
    public var background: Background
    /// Light modules around the symbol; scanners need 4, 2 usually suffices on a screen.
    public var quietZone: Int

    public init(background: Background = .dark, quietZone: Int = 4) {
        self.background = background
        self.quietZone = max(0, quietZone)
    }

    /// The symbol as lines joined by `\n`, with no trailing newline.
    public func render(_ matrix: QRMatrix) -> String {
        let side = matrix.size + 2 * quietZone
        var lines: [String] = []
        lines.reserveCapacity((side + 1) / 2)
        for top in stride(from: 0, to: side, by: 2) {
            var line = ""
            for column in 0..<side {
                // A row past the image (odd side) counts as light, like the quiet zone.
                let upper = inked(matrix, row: top, column: column)
                let lower = top + 1 < side && inked(matrix, row: top + 1, column: column)
                line.append(Self.glyph(upper: upper, lower: lower))
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func glyph(upper: Bool, lower: Bool) -> Character {
        switch (upper, lower) {
        case (true, true): "█"
        case (true, false): "▀"
        case (false, true): "▄"
        case (false, false): " "
        }
    }

    private func inked(_ matrix: QRMatrix, row: Int, column: Int) -> Bool {
        let dark = matrix.isDark(row: row - quietZone, column: column - quietZone)
        return background == .light ? dark : !dark
    }
}
