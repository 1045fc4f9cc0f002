import KitchenModel

/// A 留样柜's events. `sample`: a box weighed and put in (the event's `ts` is when the sample was
/// taken); `door`: the door closed again, with the boxes that left. The decoders check the shape;
/// the sample ledger then checks the meal plan (unknown meal or dish), the weight and the time.
enum SampleDecoder {
    static func sample(_ fields: FieldReader) throws(Rejection) -> SampleEvent {
        let box = try fields.string("box", .sampleBox)
        let meal = try fields.choice("meal", Meal.self)
        let dish = try fields.string("dish", .dish)
        let grams = try fields.number("grams", in: ProtocolRanges.sampleGrams)
        let by = try fields.optionalString("by", .workerID)
        return SampleEvent(box: box, meal: meal, dish: dish, grams: grams, by: by)
    }

    static func door(_ fields: FieldReader) throws(Rejection) -> DoorEvent {
        let open = try fields.number("open_s", in: ProtocolRanges.holdSeconds)
        let removed = try fields.optionalStrings("removed", .sampleBox, maxCount: ProtocolRanges.maxBoxesPerDoor) ?? []
        let by = try fields.optionalString("by", .workerID)
        return DoorEvent(openSeconds: open, removed: removed, by: by)
    }
}
