import Foundation

/// Decodes images with `zbarimg` (Debian zbar-tools): an independent reader for QR round trips.
public enum ZBar {
    public static let executable: String? = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public static var isAvailable: Bool { executable != nil }

    /// What `zbarimg` reads from a black-and-white image (`true` = black), or nil if it finds no code.
    public static func decode(pixels: [[Bool]]) throws -> String? {
        guard let executable else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zbar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("code.pgm")
        try PortableGraymap.data(pixels: pixels).write(to: file)

        let run = try runTool(executable, ["--raw", "-q", file.path])
        guard run.status == 0 else { return nil }
        return run.output.trimmingCharacters(in: .newlines)
    }

    /// A module grid (`isDark(row, column)`, `size` modules a side) drawn at `scale` pixels per
    /// module with the 4-module quiet zone a reader needs.
    public static func pixels(size: Int, scale: Int = 4, isDark: (Int, Int) -> Bool) -> [[Bool]] {
        let side = (size + 8) * scale
        return (0..<side).map { y in
            (0..<side).map { x in
                let (row, column) = (y / scale - 4, x / scale - 4)
                return row >= 0 && row < size && column >= 0 && column < size && isDark(row, column)
            }
        }
    }
}

/// Binary PGM (P5): the simplest image format zbarimg reads, written with no image library.
public enum PortableGraymap {
    public static func data(pixels: [[Bool]]) -> Data {
        let height = pixels.count, width = pixels.first?.count ?? 0
        var data = Data("P5\n\(width) \(height)\n255\n".utf8)
        for row in pixels { data.append(contentsOf: row.map { $0 ? 0 : 255 }) }
        return data
    }
}
