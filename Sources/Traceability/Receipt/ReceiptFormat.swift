import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How numbers and times read on a receipt.
public enum ReceiptFormat {
    /// Grams as kilograms with three decimals: `1250` → `1.250`.
    public static func kilograms(grams: Int) -> String {
        decimal(grams, places: 3)
    }

    /// Fen as yuan with two decimals: `850` → `8.50`.
    public static func yuan(fen: Int) -> String {
        decimal(fen, places: 2)
    }

    /// `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai. China has kept UTC+8 without daylight saving
    /// since 1991, so a fixed offset is exact and needs no time-zone database on the gateway.
    public static func shanghaiTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Outside ±10^11 s (about 3000 years) gmtime cannot help and Int conversion could trap.
        guard seconds.isFinite, abs(seconds) < 1e11 else { return "---------- --:--:--" }
        var time = time_t(Int(seconds) + 8 * 3600)
        var fields = tm()
        gmtime_r(&time, &fields)
        return "\(pad(Int(fields.tm_year) + 1900, 4))-\(pad(Int(fields.tm_mon) + 1, 2))-\(pad(Int(fields.tm_mday), 2)) "
            + "\(pad(Int(fields.tm_hour), 2)):\(pad(Int(fields.tm_min), 2)):\(pad(Int(fields.tm_sec), 2))"
    }

    /// `value / 10^places` written exactly, with no floating point.
    private static func decimal(_ value: Int, places: Int) -> String {
        let scale = (0..<places).reduce(UInt(1)) { product, _ in product * 10 }
        let magnitude = value.magnitude
        let whole = magnitude / scale
        let fraction = magnitude % scale
        return (value < 0 ? "-" : "") + "\(whole)." + pad(Int(fraction), places)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
