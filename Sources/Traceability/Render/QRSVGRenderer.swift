/// Draws a QR symbol as a small SVG document for web pages and previews.
///
/// The dark modules are one `<path>` of horizontal runs (a few hundred bytes for a version-3
/// symbol), on a white square that includes the quiet zone so the code reads on any page
/// background. `shape-rendering="crispEdges"` keeps browsers from anti-aliasing module edges
/// into grey seams.
public struct QRSVGRenderer: Sendable {
    /// Width and height of the image in CSS pixels.
    public var pixelSize: Int
    /// Light modules around the symbol; the QR specification asks for 4.
    public var quietZone: Int

    public init(pixelSize: Int = 256, quietZone: Int = 4) {
        self.pixelSize = max(1, pixelSize)
        self.quietZone = max(0, quietZone)
    }

    /// The SVG document; `title` (escaped) becomes its accessible name.
    public func render(_ matrix: QRMatrix, title: String? = nil) -> String {
        let side = matrix.size + 2 * quietZone
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixelSize)" height="\(pixelSize)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img">
            """
        if let title {
            svg += "<title>\(XMLText.escape(title))</title>"
        }
        svg += "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
        svg += "<path fill=\"#000\" d=\"\(pathData(matrix))\"/></svg>"
        return svg
    }

    /// One closed rectangle per horizontal run of dark modules: `M x y h n v1 h-n z`.
    func pathData(_ matrix: QRMatrix) -> String {
        var data = ""
        for row in 0..<matrix.size {
            var column = 0
            while column < matrix.size {
                guard matrix.isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < matrix.size, matrix.isDark(row: row, column: column) { column += 1 }
                let run = column - start
                data += "M\(start + quietZone) \(row + quietZone)h\(run)v1h-\(run)z"
            }
        }
        return data
    }
}
