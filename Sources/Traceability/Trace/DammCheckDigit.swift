/// The Damm check digit.
///
/// Chosen over Luhn and ISO 7064 MOD 11-10 because it catches every single mistyped digit and
/// every swap of two adjacent different digits (Luhn misses 09↔90), still with one decimal digit.
/// The table is a totally anti-symmetric quasigroup of order 10 with a zero diagonal
/// (H. Michael Damm, 2004); a test checks those properties.
enum DammCheckDigit {
    static let table: [[UInt8]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
        [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
        [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
        [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]

    /// The interim digit after `digits` (each 0…9); it is the check digit to append, and it is
    /// 0 exactly when `digits` already ends in a correct check digit.
    static func interim(_ digits: some Swift.Sequence<UInt8>) -> UInt8 {
        digits.reduce(0) { table[Int($0)][Int($1)] }
    }
}
