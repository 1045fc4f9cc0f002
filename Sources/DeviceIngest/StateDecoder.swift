import KitchenModel

/// `state`: the retained presence message, and the device's MQTT Will carrying `online: false`.
enum StateDecoder {
    static func decode(_ fields: FieldReader) throws(Rejection) -> Presence {
        let online = try fields.bool("online")
        let boot = try fields.int("boot", in: ProtocolRanges.counter)
        return Presence(online: online, boot: boot)
    }
}
