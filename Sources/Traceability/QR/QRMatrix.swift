/// A QR symbol as a square of modules, without the quiet zone.
public struct QRMatrix: Sendable, Hashable {
    /// QR version, 1…40; the side is `17 + 4 × version` modules.
    public let version: Int
    /// Modules per side.
    public let size: Int
    /// The error-correction level the symbol was made with.
    public let errorCorrection: QRErrorCorrection
    /// How the text was packed.
    public let mode: QREncodingMode
    /// Row-major, `size × size`; `true` is a dark module.
    public let modules: [Bool]

    init(version: Int, size: Int, errorCorrection: QRErrorCorrection, mode: QREncodingMode, modules: [Bool]) {
        precondition(modules.count == size * size, "a QR matrix is square")
        self.version = version
        self.size = size
        self.errorCorrection = errorCorrection
        self.mode = mode
        self.modules = modules
    }

    /// Whether the module at (`row`, `column`) is dark; anything outside the symbol (the quiet
    /// zone) is light.
    public func isDark(row: Int, column: Int) -> Bool {
        guard (0..<size).contains(row), (0..<size).contains(column) else { return false }
        return modules[row * size + column]
    }

    /// Number of dark modules.
    public var darkModuleCount: Int { modules.reduce(0) { $1 ? $0 + 1 : $0 } }
}
