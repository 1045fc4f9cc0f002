@testable import DeviceIngest
import KitchenModel

/// The gateway clock the tests decode against; `baseTS` is one minute earlier.
let fixedNow: EpochMillis = 1_763_779_260_000
let baseTS: EpochMillis = 1_763_779_200_000

let thermoTopic = "bk/v1/canteen-01/fridge-1/"
let disinfectorTopic = "bk/v1/canteen-01/steriliser-1/"
let cameraTopic = "bk/v1/canteen-01/cam-1/"
let scaleTopic = "bk/v1/market-01/scale-a12/"

let minimalJPEG: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9]

func decode(_ topic: String, _ json: String, kind: DeviceKind = .thermo, now: EpochMillis = fixedNow,
            decoder: NativeDecoder = NativeDecoder()) -> IngestOutcome {
    decode(topic, bytes: Array(json.utf8), lookup: .known(kind), now: now, decoder: decoder)
}

func decode(_ topic: String, bytes: [UInt8], lookup: DeviceLookup, now: EpochMillis = fixedNow,
            decoder: NativeDecoder = NativeDecoder()) -> IngestOutcome {
    decoder.decode(topic: topic, payload: bytes, receivedAt: now) { _ in lookup }
}

extension IngestOutcome {
    var message: DeviceMessage? {
        if case .message(let m) = self { return m }
        return nil
    }

    var rejection: Rejection? {
        if case .rejected(let r) = self { return r }
        return nil
    }

    var reason: RejectReason? { rejection?.reason }

    var isIgnored: Bool {
        if case .ignored = self { return true }
        return false
    }

    var readings: Readings? {
        if case .telemetry(let r)? = message?.payload { return r }
        return nil
    }

    var event: EventBody? {
        if case .event(let e)? = message?.payload { return e }
        return nil
    }
}

/// A telemetry payload with a valid header and the given body fields.
func telemetry(_ body: String, seq: Int64 = 1, ts: EpochMillis = baseTS) -> String {
    "{\"seq\":\(seq),\"ts\":\(ts)" + (body.isEmpty ? "" : ",") + body + "}"
}
