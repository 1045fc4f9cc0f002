import DeviceIngest
import KitchenModel
import Testing

/// Inputs a broken or malicious device could send. The decoder runs on the MQTT network thread:
/// whatever arrives, it must answer with a rejection, never crash or hang.
@Suite("Hostile inputs")
struct HostileInputTests {
    private let valid = #"{"seq":123,"ts":1763779200000,"t":3.4,"rh":71.2,"bat":96}"#

    private static let header = "{\"seq\":1,\"ts\":1763779200000,"
    private static let deepArray: String = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    private static let hugeLiteral: String = "1" + String(repeating: "0", count: 400)
    private static let tinyLiteral: String = "0." + String(repeating: "0", count: 400) + "1"

    static let hostileCases: [(String, RejectReason?)] = [
        ("", .badJSON),
        ("   \n\t", .badJSON),
        (header + "\"t\":" + deepArray + "}", .badJSON),
        (header + "\"t\":1e999}", .badJSON),
        (header + "\"t\":-1e999}", .badJSON),
        (header + "\"t\":NaN}", .badJSON),
        (header + "\"t\":Infinity}", .badJSON),
        (header + "\"t\":-0}", nil),
        (header + "\"t\":" + hugeLiteral + "}", .badJSON),
        (header + "\"t\":" + tinyLiteral + "}", nil),
        ("{\"seq\":123456789012345678901234567890,\"ts\":1763779200000,\"t\":1}", .outOfRange),
        ("{\"seq\":-9223372036854775809,\"ts\":1763779200000,\"t\":1}", .outOfRange),
        ("{\"seq\":1e300,\"ts\":1763779200000,\"t\":1}", .outOfRange),
        ("{\"seq\":1,\"ts\":9223372036854775807,\"t\":1}", .outOfRange),
        ("{\"seq\":1,\"ts\":1e-5,\"t\":1}", .wrongType),
        ("{\"seq\":true,\"ts\":1763779200000,\"t\":1}", .wrongType),
        ("{\"seq\":{},\"ts\":1763779200000,\"t\":1}", .wrongType),
        ("{\"seq\":[],\"ts\":1763779200000,\"t\":1}", .wrongType),
        (header + "\"t\":1,\"t\":2}", .badJSON),
        (header + "\"\\u0074\":1,\"t\":2}", .badJSON),
        (header + "\"t\":1}\u{0}", .badJSON),
        ("\u{0}" + header + "\"t\":1}", .badJSON),
        (header + "\"t\":1}}", .badJSON),
        ("[" + header + "\"t\":1}]", .badJSON),
        (header + "\"\\u0000\":1,\"t\":1}", nil),
    ]

    @Test("hostile payloads are rejected with the right reason", arguments: hostileCases)
    func hostile(json: String, reason: RejectReason?) {
        let outcome = decode(thermoTopic + "telemetry", json)
        if let reason {
            #expect(outcome.reason == reason, "\(outcome)")
        } else {
            #expect(outcome.message != nil, "\(outcome)")
        }
    }

    @Test("invalid UTF-8 anywhere in the payload is bad_json")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            let bytes = Array(#"{"seq":1,"ts":1763779200000,"t":1,"note":"x"#.utf8) + bad + Array(#""}"#.utf8)
            #expect(decode(thermoTopic + "telemetry", bytes: bytes, lookup: .known(.thermo)).reason == .badJSON)
            let inKey = Array(#"{"seq":1,"ts":1763779200000,"t":1,""#.utf8) + bad + Array(#"":1}"#.utf8)
            #expect(decode(thermoTopic + "telemetry", bytes: inKey, lookup: .known(.thermo)).reason == .badJSON)
        }
        // Outside strings, a stray byte is a syntax error too.
        let raw = Array(#"{"seq":1,"ts":1763779200000,"t":1"#.utf8) + [0xFF] + [0x7D]
        #expect(decode(thermoTopic + "telemetry", bytes: raw, lookup: .known(.thermo)).reason == .badJSON)
    }

    @Test("every truncation of valid payloads is bad_json")
    func truncations() {
        let payloads: [(String, DeviceKind, String)] = [
            ("telemetry", .thermo, valid),
            ("event", .camera, #"{"seq":9,"ts":1763779200000,"type":"detection","label":"rodent","score":0.91,"box":[0.1,0.2,0.3,0.4],"snapshot":"a1"}"#),
            ("birth", .thermo, #"{"kind":"thermo","model":"青菜 \u00e9","fw":"1.4.2","boot":17,"interval_s":60}"#),
        ]
        for (channel, kind, json) in payloads {
            let bytes = Array(json.utf8)
            #expect(decode("bk/v1/s/d/" + channel, bytes: bytes, lookup: .known(kind)).message != nil)
            for length in 0..<bytes.count {
                let outcome = decode("bk/v1/s/d/" + channel, bytes: Array(bytes[..<length]), lookup: .known(kind))
                #expect(outcome.reason == .badJSON, "\(channel) cut at \(length): \(outcome)")
            }
        }
    }

    @Test("random byte mutations never crash")
    func mutations() {
        var generator = SplitMix64(seed: 0xB41C_7C4E)
        let seeds = [valid, #"{"kind":"thermo","model":"BK-T1","fw":"1.4.2","boot":17,"interval_s":60,"x":[[{"y":null}]]}"#]
        var outcomes = 0
        for seed in seeds {
            let original = Array(seed.utf8)
            for _ in 0..<3000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let at = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
                    }
                    if bytes.isEmpty { bytes = [0x7B] }
                }
                for channel in ["telemetry", "birth", "state", "event", "weigh"] {
                    switch decode("bk/v1/s/d/" + channel, bytes: bytes, lookup: .known(.thermo)) {
                    case .message, .rejected: outcomes += 1
                    case .ignored: Issue.record("a device channel was ignored")
                    }
                }
            }
        }
        #expect(outcomes == 2 * 3000 * 5)
    }
}

/// A tiny deterministic generator so the mutation test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
