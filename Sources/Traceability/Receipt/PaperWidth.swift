/// Thermal paper roll width, with the printable dots and Font A (12 × 24) columns of common
/// 203-dpi printers.
public enum PaperWidth: Sendable, Hashable, CaseIterable {
    /// 58 mm roll: 384 dots, 32 columns.
    case mm58
    /// 80 mm roll: 576 dots, 48 columns.
    case mm80

    /// Printable width in dots.
    public var dots: Int {
        switch self {
        case .mm58: 384
        case .mm80: 576
        }
    }

    /// Half-width characters per line in Font A; a CJK character takes two.
    public var columns: Int { dots / 12 }
}
