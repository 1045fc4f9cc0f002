import KitchenModel

/// `event`: something that happened, told once with its own `seq`. Protocol v1 has one event
/// type per kind: `run` from disinfectors, `detection` from cameras, `check` from 晨检仪; 留样柜
/// send two, `sample` and `door`.
enum EventDecoder {
    /// The event type of each kind that has one; thermometers and scales send none.
    static func eventType(of kind: DeviceKind) -> String? {
        switch kind {
        case .disinfector: "run"
        case .camera: "detection"
        case .checker: "check"
        case .sampler: "sample"
        case .thermo, .scale: nil
        }
    }

    /// Every event type a kind may send: its main one, and `door` for 留样柜.
    static func eventTypes(of kind: DeviceKind) -> [String] {
        (eventType(of: kind).map { [$0] } ?? []) + (kind == .sampler ? ["door"] : [])
    }

    /// Reads `type` and checks it fits the device's kind. Runs before the sequence is read, so
    /// a misrouted device is reported as such rather than as a missing field.
    static func type(_ fields: FieldReader, kind: DeviceKind) throws(Rejection) -> String {
        guard let value = fields.object.value("type") else { throw fields.missing("type") }
        guard case .string(let range, let escaped) = value else {
            throw Rejection(.wrongType, "field 'type' must be a string, got \(value.typeDescription)")
        }
        let type = fields.object.string(range, escaped: escaped)
        let expected = eventTypes(of: kind)
        if expected.contains(type) { return type }
        if let owner = DeviceKind.allCases.first(where: { eventTypes(of: $0).contains(type) }) {
            throw Rejection(.kindMismatch, "event type '\(type)' comes from \(owner.rawValue) devices, but this "
                + "device is registered as '\(kind.rawValue)'")
        }
        throw Rejection(.outOfRange, "field 'type' must be \(expected.isEmpty ? "absent" : expected.map { "'\($0)'" }.joined(separator: " or ")) for a "
            + "\(kind.rawValue), got \(FieldReader.quote(type))")
    }

    static func decode(_ fields: FieldReader, type: String) throws(Rejection) -> EventBody {
        switch type {
        case "run": .run(try run(fields))
        case "check": .check(try CheckDecoder.decode(fields))
        case "sample": .sample(try SampleDecoder.sample(fields))
        case "door": .door(try SampleDecoder.door(fields))
        default: .detection(try detection(fields))
        }
    }

    static func run(_ fields: FieldReader) throws(Rejection) -> DisinfectionRun {
        let mode = try fields.choice("mode", DisinfectionMode.self)
        let start = try fields.int("start", in: ProtocolRanges.counter)
        let end = try fields.int("end", in: ProtocolRanges.counter)
        guard start <= end else {
            throw Rejection(.outOfRange, "field 'end' (\(end)) must not be before 'start' (\(start))")
        }
        guard end - start <= ProtocolRanges.maxRunMillis else {
            throw Rejection(.outOfRange, "run lasts \(end - start) ms (\(SequenceDecoder.describe(end - start))) from "
                + "'start' to 'end'; the limit is 24 h (\(ProtocolRanges.maxRunMillis) ms)")
        }
        let peak = try fields.optionalNumber("peak_c", in: ProtocolRanges.disinfectorCelsius)
        let hold = try fields.optionalNumber("hold_s", in: ProtocolRanges.holdSeconds)
        return DisinfectionRun(mode: mode, start: start, end: end, peakCelsius: peak, holdSeconds: hold)
    }

    static func detection(_ fields: FieldReader) throws(Rejection) -> Detection {
        let label = try fields.string("label", .label)
        let score = try fields.number("score", in: ProtocolRanges.unitInterval)
        var box: DetectionBox?
        if let b = try fields.optionalNumbers("box", count: 4, shape: "[x, y, w, h] of 4 numbers") {
            let tolerance = ProtocolRanges.boxEdgeTolerance
            guard b.allSatisfy(ProtocolRanges.unitInterval.contains), b[0] + b[2] <= tolerance,
                  b[1] + b[3] <= tolerance
            else {
                let shown = b.map { FieldReader.format($0) }.joined(separator: ", ")
                throw Rejection(.outOfRange, "field 'box' must hold fractions of the frame between 0 and 1 with "
                    + "x + w <= 1 and y + h <= 1, got [\(shown)]")
            }
            box = DetectionBox(x: b[0], y: b[1], width: b[2], height: b[3])
        }
        let snapshot = try fields.optionalString("snapshot", .snapshotID)
        return Detection(label: label, score: score, box: box, snapshot: snapshot)
    }
}
