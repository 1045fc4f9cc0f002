import Foundation
import KitchenModel
import StorageModel

/// 留样 as a person or a 留样柜 reports it (DOMAIN.md: dish, grams, time sampled, who sampled,
/// who reviewed, which fridge), before the desk checks it against the site's meal plan.
public struct SampleInput: Codable, Sendable, Hashable {
    public var meal: Meal
    public var dish: String
    /// Net weight, g.
    public var grams: Double
    /// When the sample was taken, ms since the epoch; its 48 h start then.
    public var at: EpochMillis
    /// Who sampled: a person's name or staff id, or `device:<id>` for a 留样柜.
    public var by: String
    /// Who reviewed (复核人); may be empty.
    public var reviewer: String
    /// The device id of the fridge it is kept in (a `sampler`, or a `thermo` of the site).
    public var fridge: String
    /// The box's slot or label in the fridge; may be empty.
    public var box: String
    public var remark: String

    public init(meal: Meal, dish: String, grams: Double, at: EpochMillis, by: String, reviewer: String = "",
                fridge: String, box: String = "", remark: String = "") {
        self.meal = meal
        self.dish = dish
        self.grams = grams
        self.at = at
        self.by = by
        self.reviewer = reviewer
        self.fridge = fridge
        self.box = box
        self.remark = remark
    }

    enum CodingKeys: String, CodingKey {
        case meal, dish, grams, at = "at_ms", by, reviewer, fridge, box, remark
    }
}

/// The `sample` entry's body.
public struct SampleRecord: Codable, Sendable, Hashable {
    public var sample: SampleInput
    /// At least ``SampleRules/minimumGrams``: an underweight sample is kept on record but the dish still lacks one.
    public var enough: Bool
    /// For a 留样柜's sample: `<boot>/<seq>` of its event (see ``MorningCheckRecord/deviceEvent``).
    public var deviceEvent: String?

    enum CodingKeys: String, CodingKey { case sample, enough, deviceEvent = "device_event" }
}

/// The `sample-removal` entry's body: a sample taken out of its fridge (disposed of after its 48 h,
/// or early: a finding).
public struct SampleRemoval: Codable, Sendable, Hashable {
    /// The seq of the `sample` entry removed.
    public var sample: Int64
    public var meal: Meal
    public var dish: String
    public var at: EpochMillis
    public var by: String
    /// Taken out before its 48 h were over.
    public var early: Bool
    public var deviceEvent: String?

    enum CodingKeys: String, CodingKey { case sample, meal, dish, at = "at_ms", by, early, deviceEvent = "device_event" }
}

/// The 留样 rules (DOMAIN.md "Kitchen ledgers"): every dish of every meal ≥ 125 g, kept ≥ 48 h at 0–8 °C.
public enum SampleRules {
    public static let minimumGrams = 125.0
    public static let keepMillis: EpochMillis = 48 * 3_600_000
    public static let fridgeRange: ClosedRange<Double> = 0...8
    /// A scale cannot weigh more into a sample box; more is a typing or device error.
    public static let maximumGrams = 5_000.0
    /// Readings outside this are a sensor fault (DS18B20's 85 and -127), which the thermometer
    /// rules report as `implausible_value`, not a warm fridge.
    public static let plausibleC: ClosedRange<Double> = -40...60

    /// Why `input` is impossible on its own, or nil. The meal plan and the fridge are checked by the desk.
    public static func problem(_ input: SampleInput) -> LedgerRefusal? {
        if input.grams < 0 { return LedgerRefusal("negative-value", "grams must not be negative") }
        guard input.grams.isFinite, input.grams <= maximumGrams else {
            return LedgerRefusal("invalid-value", "grams must be at most \(Int(maximumGrams))")
        }
        // `by` may be `device:<64-character device id>`.
        for (field, text, max, required) in [("by", input.by, 80, true), ("reviewer", input.reviewer, 64, false),
                                             ("box", input.box, 16, false), ("remark", input.remark, 200, false)] {
            guard (required ? 1 : 0)...max ~= text.count, isPlain(text) else {
                return LedgerRefusal("invalid-value", "\(field) must be \(required ? 1 : 0)-\(max) characters of plain text")
            }
        }
        return nil
    }

    static func isPlain(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control && $0.properties.generalCategory != .format }
    }
}
