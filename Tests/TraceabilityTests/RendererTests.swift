import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Traceability

@Suite("QR renderers")
struct RendererTests {
    let matrix: QRMatrix

    init() throws {
        matrix = try QRMatrix(encoding: Fixtures.realisticBase + Fixtures.fixedKeyring().mint().text)
    }

    @Test("the SVG is well-formed XML with one path whose runs are exactly the dark modules")
    func svg() throws {
        let svg = QRSVGRenderer(pixelSize: 200).render(matrix, title: "Ticket <A&B> \"x\" 'y'")
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "parse error: \(String(describing: parser.parserError))")
        #expect(collector.elements.filter { $0 == "path" }.count == 1)
        #expect(collector.title == "Ticket <A&B> \"x\" 'y'")
        let side = matrix.size + 8
        #expect(collector.attributes["svg"]?["viewBox"] == "0 0 \(side) \(side)")
        #expect(collector.attributes["svg"]?["width"] == "200")
        #expect(collector.attributes["svg"]?["shape-rendering"] == "crispEdges")

        // Paint the path's rectangles and compare with the matrix, quiet zone included.
        var painted = Array(repeating: Array(repeating: false, count: side), count: side)
        let commands = try #require(collector.attributes["path"]?["d"])
        let pattern = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/
        var runs = 0
        for match in commands.matches(of: pattern) {
            let (x, y, width) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
            #expect(Int(match.4)! == width)
            for column in x..<x + width { painted[y][column] = true }
            runs += 1
        }
        #expect(commands.replacing(pattern, with: "").isEmpty)
        #expect(runs > 0)
        for row in 0..<side {
            for column in 0..<side {
                #expect(painted[row][column] == matrix.isDark(row: row - 4, column: column - 4))
            }
        }
        #expect(painted.joined().filter { $0 }.count == matrix.darkModuleCount)
    }

    @Test("control characters in the title are dropped, so the SVG stays valid XML")
    func svgTitleControlCharacters() {
        let svg = QRSVGRenderer().render(matrix, title: "a\u{1}b\u{0}c")
        #expect(svg.contains("<title>abc</title>"))
    }

    @Test("half blocks carry two module rows per line and decode back to the matrix",
          arguments: [QRTerminalRenderer.Background.light, .dark])
    func terminal(background: QRTerminalRenderer.Background) {
        let quietZone = 2
        let text = QRTerminalRenderer(background: background, quietZone: quietZone).render(matrix)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let side = matrix.size + 2 * quietZone
        #expect(lines.count == (side + 1) / 2)
        for (lineIndex, line) in lines.enumerated() {
            #expect(line.count == side)
            for (column, glyph) in line.enumerated() {
                let (upper, lower): (Bool, Bool) = switch glyph {
                case "█": (true, true)
                case "▀": (true, false)
                case "▄": (false, true)
                default: (false, false)
                }
                let row = lineIndex * 2
                let ink = { (r: Int) in
                    let dark = self.matrix.isDark(row: r - quietZone, column: column - quietZone)
                    return background == .light ? dark : !dark
                }
                #expect(upper == ink(row))
                #expect(lower == (row + 1 < side && ink(row + 1)))
            }
        }
    }
}

/// Collects element names, attributes and the title text of an SVG document.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [String: [String: String]] = [:]
    var title = ""
    private var inTitle = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String]) {
        elements.append(name)
        self.attributes[name] = attributes
        inTitle = name == "title"
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        inTitle = false
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { title += string }
    }
}
