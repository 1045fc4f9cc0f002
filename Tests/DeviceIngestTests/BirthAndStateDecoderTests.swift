import DeviceIngest
import KitchenModel
import Testing

@Suite("Birth and state decoding")
struct BirthAndStateDecoderTests {
    private let birth = #"{"kind":"thermo","model":"BK-T1","fw":"1.4.2","boot":17,"interval_s":60,"buffer":250}"#

    @Test("a birth decodes every field")
    func validBirth() throws {
        let message = try #require(decode(thermoTopic + "birth", birth).message)
        #expect(message.payload == .birth(Birth(kind: .thermo, model: "BK-T1", firmware: "1.4.2", boot: 17,
                                                intervalSeconds: 60, replayBuffer: 250)))
        #expect(message.sequence == nil)
        #expect(message.key.description == "canteen-01/fridge-1")
        #expect(message.receivedAt == fixedNow)
    }

    @Test("buffer is optional and unknown fields are ignored")
    func optionalBuffer() throws {
        let json = #"{"kind":"scale","model":"S","fw":"1","boot":0,"interval_s":86400,"mac":"aa:bb","extra":{"x":[1]}}"#
        guard case .birth(let b)? = decode(scaleTopic + "birth", json, kind: .scale).message?.payload else {
            Issue.record("expected a birth")
            return
        }
        #expect(b.replayBuffer == nil)
        #expect(b.boot == 0)
        #expect(b.intervalSeconds == 86400)
    }

    @Test("a birth whose kind differs from the registry is kind_mismatch")
    func kindMismatch() {
        let outcome = decode(thermoTopic + "birth", birth, kind: .camera)
        #expect(outcome.reason == .kindMismatch)
        #expect(outcome.rejection?.message == "birth announces kind 'thermo' but the device is registered as 'camera'")
    }

    @Test("unknown devices: refused unless provisioning accepts their birth")
    func provisioning() throws {
        #expect(decode(thermoTopic + "birth", bytes: Array(birth.utf8), lookup: .unknownDevice).reason == .unknownDevice)
        let provisioning = NativeDecoder(acceptUnknownBirth: true)
        let accepted = decode(thermoTopic + "birth", bytes: Array(birth.utf8), lookup: .unknownDevice, decoder: provisioning)
        guard case .birth(let b)? = accepted.message?.payload else {
            Issue.record("expected a birth, got \(accepted)")
            return
        }
        #expect(b.kind == .thermo)
        // Provisioning only opens the birth channel.
        let telemetry = decode(thermoTopic + "telemetry", bytes: Array(telemetry(#""t":1"#).utf8), lookup: .unknownDevice,
                               decoder: provisioning)
        #expect(telemetry.reason == .unknownDevice)
        // ...and never an unknown site.
        #expect(decode(thermoTopic + "birth", bytes: Array(birth.utf8), lookup: .unknownSite, decoder: provisioning)
            .reason == .unknownSite)
    }

    @Test("invalid births", arguments: [
        (#"{"model":"m","fw":"1","boot":1,"interval_s":60}"#, RejectReason.missingField, "missing required field 'kind'"),
        (#"{"kind":"toaster","model":"m","fw":"1","boot":1,"interval_s":60}"#, .outOfRange,
         "field 'kind' must be one of thermo, disinfector, scale, camera, checker, sampler, got \"toaster\""),
        (#"{"kind":7,"model":"m","fw":"1","boot":1,"interval_s":60}"#, .wrongType, "field 'kind' must be a string, got a number"),
        (#"{"kind":"thermo","model":"","fw":"1","boot":1,"interval_s":60}"#, .outOfRange,
         "field 'model' must be 1-64 characters, got \"\""),
        (#"{"kind":"thermo","model":"m","boot":1,"interval_s":60}"#, .missingField, "missing required field 'fw'"),
        (#"{"kind":"thermo","model":"m","fw":"1","boot":-1,"interval_s":60}"#, .outOfRange,
         "field 'boot' must be an integer between 0 and 9007199254740992, got -1"),
        (#"{"kind":"thermo","model":"m","fw":"1","boot":1.5,"interval_s":60}"#, .wrongType,
         "field 'boot' must be an integer, got 1.5"),
        (#"{"kind":"thermo","model":"m","fw":"1","boot":1,"interval_s":0}"#, .outOfRange,
         "field 'interval_s' must be an integer between 1 and 86400, got 0"),
        (#"{"kind":"thermo","model":"m","fw":"1","boot":1,"interval_s":86401}"#, .outOfRange,
         "field 'interval_s' must be an integer between 1 and 86400, got 86401"),
        (#"{"kind":"thermo","model":"m","fw":"1","boot":1,"interval_s":60,"buffer":"1000"}"#, .wrongType,
         "field 'buffer' must be an integer, got a string"),
    ])
    func invalidBirths(json: String, reason: RejectReason, message: String) {
        let rejection = decode(thermoTopic + "birth", json).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("state and Will")
    func state() {
        #expect(decode(thermoTopic + "state", #"{"online":true,"boot":17}"#).message?.payload
            == .state(Presence(online: true, boot: 17)))
        #expect(decode(thermoTopic + "state", #" { "boot" : 18 , "online" : false } "#).message?.payload
            == .state(Presence(online: false, boot: 18)))
        #expect(decode(thermoTopic + "state", #"{"online":1,"boot":17}"#).rejection?.message
            == "field 'online' must be true or false, got a number")
        #expect(decode(thermoTopic + "state", #"{"online":true}"#).reason == .missingField)
        // An empty retained payload clears the retained state: nothing to decode, nothing to reject.
        #expect(decode(thermoTopic + "state", "").isIgnored)
        #expect(decode(thermoTopic + "telemetry", "").reason == .badJSON)
    }
}
