import KitchenModel

/// `birth`: what a device announces on every (re)connection and on `{"cmd":"rebirth"}`.
enum BirthDecoder {
    /// `registered` is nil only when provisioning accepts a device the registry does not know yet.
    static func decode(_ fields: FieldReader, registered: DeviceKind?) throws(Rejection) -> Birth {
        let kind = try fields.choice("kind", DeviceKind.self)
        if let registered, registered != kind {
            throw Rejection(.kindMismatch, "birth announces kind '\(kind.rawValue)' but the device is registered "
                + "as '\(registered.rawValue)'")
        }
        let model = try fields.string("model", .modelOrFirmware)
        let firmware = try fields.string("fw", .modelOrFirmware)
        let boot = try fields.int("boot", in: ProtocolRanges.counter)
        let interval = try fields.int("interval_s", in: ProtocolRanges.intervalSeconds)
        let buffer = try fields.optionalInt("buffer", in: ProtocolRanges.replayBuffer)
        let nextSeq = try fields.optionalInt("next_seq", in: ProtocolRanges.counter)
        return Birth(kind: kind, model: model, firmware: firmware, boot: boot, intervalSeconds: Int(interval),
                     replayBuffer: buffer.map { Int($0) }, nextSeq: nextSeq)
    }
}
