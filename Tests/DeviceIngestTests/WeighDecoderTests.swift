import DeviceIngest
import KitchenModel
import Testing

@Suite("Weigh decoding")
struct WeighDecoderTests {
    private func weigh(_ overrides: [String: String] = [:], removing: String? = nil) -> String {
        var fields: [(String, String)] = [
            ("req", #""a12-20251122-000042""#), ("seq", "42"), ("ts", "\(baseTS)"), ("stall", #""A12""#),
            ("batch", #""b-2025-1122-07""#), ("plu", #""1002""#), ("grams", "1250"), ("unit_price_fen", "680"),
        ]
        fields = fields.filter { $0.0 != removing }.map { ($0.0, overrides[$0.0] ?? $0.1) }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    @Test("the protocol's example request")
    func valid() throws {
        let message = try #require(decode(scaleTopic + "weigh", weigh(), kind: .scale).message)
        #expect(message.sequence == SequenceStamp(seq: 42, deviceTime: baseTS))
        #expect(message.payload == .weigh(WeighRequest(req: "a12-20251122-000042", stall: "A12", batch: "b-2025-1122-07",
                                                       plu: "1002", grams: 1250, unitPriceFen: 680)))
        let edge = weigh(["req": #""Z.9:x_-""#, "plu": #""0000000000000001""#, "grams": "1000000", "unit_price_fen": "0"])
        #expect(decode(scaleTopic + "weigh", edge, kind: .scale).message != nil)
    }

    @Test("invalid requests", arguments: [
        (["grams": "0"], nil as String?, RejectReason.outOfRange, "field 'grams' must be an integer between 1 and 1000000, got 0"),
        (["grams": "1000001"], nil, .outOfRange, "field 'grams' must be an integer between 1 and 1000000, got 1000001"),
        (["grams": "12.5"], nil, .wrongType, "field 'grams' must be an integer, got 12.5"),
        (["unit_price_fen": "6.8"], nil, .wrongType, "field 'unit_price_fen' must be an integer, got 6.8"),
        (["unit_price_fen": "100000001"], nil, .outOfRange,
         "field 'unit_price_fen' must be an integer between 0 and 100000000, got 100000001"),
        (["plu": "1002"], nil, .wrongType, "field 'plu' must be a string, got a number"),
        (["plu": #""10A2""#], nil, .outOfRange, "field 'plu' must be 1-16 digits, got \"10A2\""),
        (["plu": #""12345678901234567""#], nil, .outOfRange, "field 'plu' must be 1-16 digits, got \"12345678901234567\""),
        (["stall": #""A 12""#], nil, .outOfRange, "field 'stall' must be 1-16 characters of A-Z a-z 0-9 - _ . :, got \"A 12\""),
        (["req": #""""#], nil, .outOfRange, "field 'req' must be 1-64 characters of A-Z a-z 0-9 - _ . :, got \"\""),
        (["batch": #""批次1""#], nil, .outOfRange,
         "field 'batch' must be 1-64 characters of A-Z a-z 0-9 - _ . :, got \"批次1\""),
        ([:], "batch", .missingField, "missing required field 'batch'"),
        ([:], "req", .missingField, "missing required field 'req'"),
        ([:], "seq", .missingField, "missing required field 'seq'"),
    ])
    func invalid(overrides: [String: String], removing: String?, reason: RejectReason, message: String) {
        let rejection = decode(scaleTopic + "weigh", weigh(overrides, removing: removing), kind: .scale).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("only scales weigh", arguments: [DeviceKind.thermo, .camera, .disinfector])
    func onlyScales(kind: DeviceKind) {
        let rejection = decode(scaleTopic + "weigh", weigh(), kind: kind).rejection
        #expect(rejection?.reason == .kindMismatch)
        #expect(rejection?.message == "only scales send weigh requests; this device is registered as '\(kind.rawValue)'")
    }
}
