/// The reduced sizes libjpeg can decode to directly in its inverse DCT. Decoding at 1/4 costs a
/// fraction of a full decode and smooths like an area average, so analysis never decodes pixels
/// it would throw away.
public enum DCTScale: Int, Codable, Sendable, CaseIterable, Comparable {
    case full = 1
    case half = 2
    case quarter = 4
    case eighth = 8

    public var denominator: Int { rawValue }

    /// libjpeg rounds scaled sizes up (jdiv_round_up).
    public func scaled(_ length: Int) -> Int {
        (length + denominator - 1) / denominator
    }

    /// The most reduced scale whose output is still at least `minimumWidth` wide.
    public static func coarsest(forWidth width: Int, keepingAtLeast minimumWidth: Int) -> DCTScale {
        let reducing = allCases.sorted { $0.denominator > $1.denominator }
        return reducing.first { $0.scaled(width) >= minimumWidth } ?? .full
    }

    public static func < (lhs: DCTScale, rhs: DCTScale) -> Bool { lhs.rawValue < rhs.rawValue }
}
