import KitchenModel

/// One Hikvision `EventNotificationAlert`, as an `httpHosts` target receives it: XML (the
/// default `parameterFormatType`) or JSON, alone or as the first part of a multipart body whose
/// other parts are the pictures.
public struct ISAPIAlert: Hashable, Sendable {
    public var eventType: String
    /// `active` / `inactive`; absent on some kitchen-AI events, which are then active.
    public var eventState: String
    public var channelID: String?
    public var dateTime: String?
    public var ipAddress: String?
    public var macAddress: String?
    /// 0…1 when the alert carries a confidence (percent in the payload).
    public var confidence: Double?
    /// `TargetRect` of the first detection region, in frame fractions.
    public var box: DetectionBox?

    public var isActive: Bool { eventState.lowercased() != "inactive" }

    /// Heartbeats: `heartBeat`, and `videoloss` `inactive`, which cameras send every few seconds
    /// on an idle alert channel.
    public var isHeartbeat: Bool {
        let type = eventType.lowercased()
        return type == "heartbeat" || (type == "videoloss" && !isActive)
    }

    public static func parseXML(_ bytes: [UInt8]) throws(PushProblem) -> ISAPIAlert {
        let root: XMLElement
        do { root = try StrictXML.parse(bytes) } catch { throw PushProblem(.badXML, error.description) }
        guard root.name == "EventNotificationAlert" else {
            throw PushProblem(.missingField, "the XML root is <\(root.name.prefix(64))>, not <EventNotificationAlert>")
        }
        guard let type = root.value("eventType") else { throw PushProblem(.missingField, "missing <eventType>") }
        var alert = ISAPIAlert(eventType: String(type.prefix(64)), eventState: root.value("eventState") ?? "active",
                               channelID: root.value("channelID") ?? root.value("dynChannelID"), dateTime: root.value("dateTime"),
                               ipAddress: root.value("ipAddress"), macAddress: root.value("macAddress"))
        if let rect = root.descendant("TargetRect") {
            alert.box = box(x: rect.value("X") ?? rect.value("x"), y: rect.value("Y") ?? rect.value("y"),
                            width: rect.value("width"), height: rect.value("height"))
        }
        if let text = root.descendant("confidence")?.text.trimmingASCIISpace, let value = Double(text) {
            alert.confidence = percent(value)
        }
        return alert
    }

    public static func parseJSON(_ bytes: [UInt8]) throws(PushProblem) -> ISAPIAlert {
        let json: PushJSON
        do { json = try PushJSON.parse(bytes) } catch { throw PushProblem(.badJSON, error.description) }
        // Some firmware wraps the alert in `{"EventNotificationAlert": {...}}`.
        let alert = json["EventNotificationAlert"] ?? json
        guard case .object = alert else { throw PushProblem(.wrongType, "the JSON alert must be an object") }
        guard let type = alert["eventType"]?.text, !type.isEmpty else {
            throw PushProblem(.missingField, "missing field 'eventType'")
        }
        var parsed = ISAPIAlert(eventType: String(type.prefix(64)), eventState: alert["eventState"]?.text ?? "active",
                                channelID: alert["channelID"]?.text, dateTime: alert["dateTime"]?.text,
                                ipAddress: alert["ipAddress"]?.text, macAddress: alert["macAddress"]?.text)
        if case .number(let c)? = alert["confidence"] { parsed.confidence = percent(c) }
        return parsed
    }

    private static func percent(_ value: Double) -> Double? {
        guard value.isFinite, value >= 0, value <= 100 else { return nil }
        return value > 1 ? value / 100 : value
    }

    /// A box only when it is a sensible fraction of the frame; anything else is left out, as the
    /// alarm does not need it.
    private static func box(x: String?, y: String?, width: String?, height: String?) -> DetectionBox? {
        guard let x = x.flatMap(Double.init), let y = y.flatMap(Double.init),
              let w = width.flatMap(Double.init), let h = height.flatMap(Double.init),
              x >= 0, y >= 0, w > 0, h > 0, x + w <= 1.0001, y + h <= 1.0001 else { return nil }
        return DetectionBox(x: x, y: y, width: w, height: h)
    }
}

/// A whole ISAPI push: the alert and the JPEG pictures that came with it.
public struct ISAPIPush: Hashable, Sendable {
    public var alert: ISAPIAlert
    public var pictures: [[UInt8]]

    public init(alert: ISAPIAlert, pictures: [[UInt8]]) {
        self.alert = alert
        self.pictures = pictures
    }

    /// Reads a body by its `Content-Type`: XML, JSON, or multipart with the alert part first
    /// among the non-picture parts and `image/*` parts as pictures.
    public static func parse(_ body: [UInt8], contentType: String, maxPictureBytes: Int) throws(PushProblem) -> ISAPIPush {
        if let boundary = MultipartBody.boundary(contentType: contentType) {
            let parts: [MultipartPart]
            do { parts = try MultipartBody.parse(body, boundary: boundary) } catch {
                throw PushProblem(.badMultipart, error.message)
            }
            var alert: ISAPIAlert?
            var pictures: [[UInt8]] = []
            for part in parts {
                // Some firmware labels pictures `application/octet-stream`: a JPEG is a picture whatever its label.
                if part.contentType.hasPrefix("image/") || part.body.starts(with: [0xFF, 0xD8]) {
                    guard part.body.count <= maxPictureBytes else {
                        throw PushProblem(.payloadTooLarge, "picture part '\(part.name ?? "")' is "
                            + "\(part.body.count) bytes, over \(maxPictureBytes)")
                    }
                    if !part.body.isEmpty { pictures.append(part.body) }
                } else if alert == nil {
                    alert = try parseAlert(part.body, contentType: part.contentType)
                }
            }
            guard let alert else { throw PushProblem(.missingField, "multipart body has no alert part") }
            return ISAPIPush(alert: alert, pictures: pictures)
        }
        return ISAPIPush(alert: try parseAlert(body, contentType: contentType.lowercased()), pictures: [])
    }

    /// JSON when the type says so or the body starts with `{`; XML otherwise.
    static func parseAlert(_ body: [UInt8], contentType: String) throws(PushProblem) -> ISAPIAlert {
        let first = body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if contentType.contains("json") || first == 0x7B { return try ISAPIAlert.parseJSON(body) }
        return try ISAPIAlert.parseXML(body)
    }
}
