import DeviceIngest
import KitchenModel

/// One `frigate/events` message, read eagerly (the payload's bytes do not outlive the call).
struct FrigateEvent {
    enum Kind: String { case new, update, end }

    /// The fields of a tracked object the gateway uses.
    struct TrackedObject {
        var id: String
        var camera: String
        var label: String
        var score: Double
        /// `[x1, y1, x2, y2]` in pixels of the camera's detect resolution.
        var box: [Double]?
        var zones: [String]
        var falsePositive: Bool
        var frameTime: Double?
    }

    let type: Kind
    let before: TrackedObject?
    let after: TrackedObject

    init(_ fields: JSONFields) throws(Rejection) {
        let typeText = try fields.requiredString("type")
        guard let type = Kind(rawValue: typeText) else {
            throw Rejection(.outOfRange, "field 'type' must be new, update or end, got \(FieldReader.quote(typeText))")
        }
        guard let after = try fields.object("after") else { throw fields.missing("after") }
        self.type = type
        self.after = try Self.object(after)
        // Frigate sends `"before": {}` (or null) when an object has no earlier state, as on `new`;
        // `new` never looks at `before` (``detection(for:)``), so it is not read there at all.
        var before: TrackedObject?
        if type != .new, let value = fields.value("before"), value != .null {
            let object = try fields.object("before", value)
            if !object.members.isEmpty { before = try Self.object(object) }
        }
        self.before = before
    }

    private static func object(_ o: JSONFields) throws(Rejection) -> TrackedObject {
        // `top_score` is the object's best score so far; `score` only the latest frame's.
        var best = try o.number("top_score", in: ProtocolRanges.unitInterval)
        if best == nil { best = try o.number("score", in: ProtocolRanges.unitInterval) }
        guard let score = best else { throw o.missing("top_score") }
        var box: [Double]?
        if let elements = try o.scalars("box", shape: "[x1, y1, x2, y2] of 4 numbers") {
            var pixels: [Double] = []
            for element in elements { pixels.append(try o.number("box", element, in: 0...100_000)) }
            box = pixels
            guard pixels.count == 4 else {
                throw Rejection(.wrongType, "field '\(o.name("box"))' must be [x1, y1, x2, y2] of 4 numbers, got \(elements.count)")
            }
        }
        var zones: [String] = []
        for element in try o.scalars("current_zones", shape: "an array of zone names") ?? [] {
            guard let zone = o.text(element) else {
                throw Rejection(.wrongType, "field '\(o.name("current_zones"))' must hold strings, got \(element.typeDescription)")
            }
            zones.append(zone)
        }
        return TrackedObject(id: try o.requiredString("id"), camera: try o.requiredString("camera"),
                             label: try o.requiredString("label"), score: score, box: box, zones: zones,
                             falsePositive: try o.bool("false_positive") ?? false,
                             frameTime: try o.number("frame_time", in: 0...1e11))
    }

    /// Frigate republishes an object on every better snapshot and zone change; the gateway
    /// reports it once: on `new` when reportable, later only when it *becomes* reportable
    /// (it entered a watched zone, or stopped being a false positive). The violation rules
    /// group repeated reports anyway, but a detection per update would be noise.
    func detectionToReport(camera: FrigateCamera) throws(Rejection) -> Detection? {
        guard let label = reportableLabel(after, camera) else { return nil }
        if type != .new, let before, reportableLabel(before, camera) != nil { return nil }
        var box: DetectionBox?
        if let pixels = after.box { box = try fraction(pixels, camera) }
        return Detection(label: label, score: after.score, box: box, snapshot: FrigateSnapshotIDs.sanitize(after.id))
    }

    private func reportableLabel(_ object: TrackedObject, _ camera: FrigateCamera) -> String? {
        guard !object.falsePositive else { return nil }
        guard camera.zones.isEmpty || object.zones.contains(where: camera.zones.contains) else { return nil }
        return camera.canonicalLabel(for: object.label)
    }

    /// Pixels `[x1, y1, x2, y2]` → `[x, y, w, h]` as fractions of the detect frame.
    private func fraction(_ b: [Double], _ camera: FrigateCamera) throws(Rejection) -> DetectionBox {
        let width = Double(camera.detectWidth), height = Double(camera.detectHeight)
        guard b[0] <= b[2], b[1] <= b[3], b[2] <= width, b[3] <= height else {
            let shown = b.map { FieldReader.format($0) }.joined(separator: ", ")
            throw Rejection(.outOfRange, "field 'after.box' [\(shown)] does not fit the \(camera.detectWidth)x"
                + "\(camera.detectHeight) detect frame bound for camera '\(after.camera)'; check the registry's detect "
                + "size against Frigate's cameras.\(after.camera).detect")
        }
        return DetectionBox(x: b[0] / width, y: b[1] / height, width: (b[2] - b[0]) / width, height: (b[3] - b[1]) / height)
    }
}
