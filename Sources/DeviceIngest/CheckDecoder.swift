import KitchenModel

/// `check`: a 晨检仪's morning check of one worker. The event's `ts` is when the check was made.
/// The decoder checks the shape; the ledger then judges the worker and the temperature.
enum CheckDecoder {
    static func decode(_ fields: FieldReader) throws(Rejection) -> MorningCheckEvent {
        let worker = try fields.string("worker", .workerID)
        let via = try fields.choice("via", CheckIdentification.self)
        let temperature = try fields.number("temp_c", in: ProtocolRanges.foreheadCelsius)
        let hands = try fields.bool("hands_ok")
        let uniform = try fields.bool("uniform_ok")
        let symptoms = try fields.optionalStrings("symptoms", .symptom, maxCount: ProtocolRanges.maxSymptoms) ?? []
        if let unknown = symptoms.first(where: { !MorningCheckEvent.knownSymptoms.contains($0) }) {
            throw Rejection(.outOfRange, "field 'symptoms' must list only "
                + MorningCheckEvent.knownSymptoms.joined(separator: ", ") + ", got \(FieldReader.quote(unknown))")
        }
        return MorningCheckEvent(worker: worker, via: via, temperatureC: temperature, handsOK: hands, uniformOK: uniform,
                                 symptoms: symptoms)
    }
}
