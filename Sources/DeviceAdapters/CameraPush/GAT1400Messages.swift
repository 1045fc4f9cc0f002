import KitchenModel

/// GA/T 1400.4 (视图库) bodies a device sends: `RegisterObject`, `KeepaliveObject`,
/// `UnRegisterObject` with its `DeviceID`, and `SubscribeNotificationListObject` whose
/// notifications carry pictures (`SubImageList.SubImageInfoObject[]`, or `ImageObject` with its
/// `ImageInfo`) classified by `EventSort`.
public enum GAT1400 {
    /// The `DeviceID` of a register, keepalive or unregister body (`objectName`: `RegisterObject` ...).
    public static func deviceID(_ body: [UInt8], objectName: String) throws(PushProblem) -> String {
        let json = try parse(body)
        guard let object = json[objectName] else { throw PushProblem(.missingField, "missing '\(objectName)'") }
        guard let id = object["DeviceID"]?.text, !id.isEmpty else { throw PushProblem(.missingField, "missing '\(objectName).DeviceID'") }
        guard id.utf8.count == 20, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw PushProblem(.wrongType, "'\(objectName).DeviceID' must be 20 digits, got '\(id.prefix(40))'")
        }
        return id
    }

    /// One picture of a notification, with what classifies it.
    public struct Picture: Hashable, Sendable {
        public var eventSort: String?
        public var shotTime: String?
        public var deviceID: String?
        public var imageID: String?
        /// GA/T 1400 image type: `14` is the scene (whole frame), `01`/`02` crops.
        public var type: String?
        public var data: String
    }

    /// What one notification list carries: its notification ids (each is answered) and every
    /// picture with its `EventSort`, in document order.
    public struct Notifications: Hashable, Sendable {
        public var notificationIDs: [String]
        public var pictures: [Picture]
    }

    public static func notifications(_ body: [UInt8]) throws(PushProblem) -> Notifications {
        let json = try parse(body)
        guard let list = json["SubscribeNotificationListObject"] else {
            throw PushProblem(.missingField, "missing 'SubscribeNotificationListObject'")
        }
        guard let objects = list["SubscribeNotificationObject"], !objects.elements.isEmpty else {
            throw PushProblem(.missingField, "missing 'SubscribeNotificationListObject.SubscribeNotificationObject'")
        }
        var result = Notifications(notificationIDs: [], pictures: [])
        for notification in objects.elements {
            guard case .object = notification else {
                throw PushProblem(.wrongType, "a SubscribeNotificationObject must be an object")
            }
            result.notificationIDs.append(notification["NotificationID"]?.text ?? "")
            collect(notification, inherited: nil, into: &result.pictures)
        }
        return result
    }

    /// Walks a notification for `SubImageInfoObject` entries and `ImageObject`s (any list:
    /// faces, persons, vehicles, images, vendor extensions). A picture without its own
    /// `EventSort` takes its parent object's.
    static func collect(_ node: PushJSON, inherited: String?, into pictures: inout [Picture]) {
        guard case .object(let members) = node else {
            if case .array(let values) = node { for value in values { collect(value, inherited: inherited, into: &pictures) } }
            return
        }
        let own = node["EventSort"]?.text.flatMap { $0.isEmpty ? nil : $0 } ?? node["ImageInfo"]?["EventSort"]?.text
        let sort = own ?? inherited
        if case .string(let data)? = node["Data"], !data.isEmpty {
            let info = node["ImageInfo"] ?? node
            pictures.append(Picture(eventSort: sort, shotTime: info["ShotTime"]?.text, deviceID: info["DeviceID"]?.text,
                                    imageID: info["ImageID"]?.text, type: info["Type"]?.text, data: data))
        }
        for (key, value) in members where key != "Data" && key != "ImageInfo" {
            collect(value, inherited: sort, into: &pictures)
        }
    }

    /// `YYYYMMDDhhmmss` (the standard's 日期时间, Beijing time) → epoch milliseconds.
    public static func time(_ text: String) -> EpochMillis? {
        let b = Array(text.utf8)
        guard b.count == 14, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let s = String(decoding: b, as: UTF8.self)
        func part(_ from: Int, _ count: Int) -> Substring { s.dropFirst(from).prefix(count) }
        return DeviceClock.fromISO8601("\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(8, 2)):\(part(10, 2)):\(part(12, 2))+08:00")
    }

    /// `YYYYMMDDhhmmss` in Beijing time, for `LocalTime` in answers.
    public static func localTime(_ millis: EpochMillis) -> String {
        let seconds = millis / 1000 + 8 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(dayNumber: days)
        let (year, month, day) = (date.year, date.month, date.day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)\(two(month))\(two(day))\(two(secondOfDay / 3600))\(two(secondOfDay / 60 % 60))\(two(secondOfDay % 60))"
    }

    static func parse(_ body: [UInt8]) throws(PushProblem) -> PushJSON {
        do { return try PushJSON.parse(body) } catch { throw PushProblem(.badJSON, error.description) }
    }
}
