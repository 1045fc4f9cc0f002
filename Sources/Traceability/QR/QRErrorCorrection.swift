import CQREncode

/// QR error-correction level: the share of the symbol that may be damaged and still read.
public enum QRErrorCorrection: Sendable, Hashable, CaseIterable {
    /// About 7 %.
    case low
    /// About 15 %: the default for receipts, which get creased and smudged.
    case medium
    /// About 25 %.
    case quartile
    /// About 30 %.
    case high

    var libraryLevel: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}
