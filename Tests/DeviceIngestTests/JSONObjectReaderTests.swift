@testable import DeviceIngest
import Testing

@Suite("JSON object reader")
struct JSONObjectReaderTests {
    /// Reads `text` and hands the view to `body` while the bytes are alive.
    private func read<T>(_ bytes: [UInt8], _ body: (JSONObject) -> T) throws(JSONSyntaxError) -> T {
        var result: Result<T, JSONSyntaxError>!
        bytes.withUnsafeBytes { raw in
            do throws(JSONSyntaxError) { result = .success(body(try JSONObjectReader.read(raw))) } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    private func read<T>(_ text: String, _ body: (JSONObject) -> T) throws(JSONSyntaxError) -> T {
        try read(Array(text.utf8), body)
    }

    private func number(_ literal: String) throws(JSONSyntaxError) -> JSONNumber? {
        try read("{\"n\":\(literal)}") { object in
            if case .number(let n)? = object.value("n") { return n }
            return nil
        }
    }

    @Test("numbers parse to the correctly rounded double", arguments: [
        ("0", 0.0), ("-0", -0.0), ("3.4", 3.4), ("71.2", 71.2), ("-127", -127), ("85.0", 85),
        ("1e3", 1000), ("1E+3", 1000), ("2.5e-3", 0.0025), ("0.1", 0.1), ("123456789012345678", 123_456_789_012_345_680),
        ("1.7976931348623157e308", 1.7976931348623157e308), ("5e-324", Double.leastNonzeroMagnitude), ("1e-400", 0),
        ("0.30000000000000004", 0.30000000000000004), ("9007199254740993", 9007199254740992),
    ])
    func numbers(literal: String, expected: Double) throws {
        let n = try #require(try number(literal))
        #expect(n.double == expected)
        #expect(n.double.sign == expected.sign)
    }

    @Test("exact integers are kept beside the double", arguments: [
        ("123", Int64?.some(123)), ("-0", 0), ("1763779200000", 1_763_779_200_000), ("9007199254740993", 9_007_199_254_740_993),
        ("9223372036854775807", .max), ("-9223372036854775808", .min), ("9223372036854775808", nil),
        ("99999999999999999999999", nil), ("1.5", nil), ("42.0", 42), ("1.5e3", 1500), ("1e20", nil),
    ])
    func exactIntegers(literal: String, expected: Int64?) throws {
        #expect(try #require(try number(literal)).exactInt == expected)
    }

    @Test("invalid JSON is refused", arguments: [
        "", " ", "[]", "1", "\"x\"", "null", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\" 1}",
        "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":-}",
        "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e999}", "{\"a\":-1e999}", "{\"a\":tru}",
        "{\"a\":True}", "{\"a\":undefined}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
        "{\"a\":{\"b\"}}", "{\"a\":{\"b\":1,}}", "{\"a\":[}", "{\"a\":{]}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"tab\there\"}",
        "{\"a\":\"unterminated}", "{\"a\":1,\"a\":2}", "{\"\\u0061\":1,\"a\":2}", "\u{FEFF}{\"a\":1}",
    ])
    func invalid(text: String) {
        #expect(throws: JSONSyntaxError.self) { try read(text) { _ in () } }
    }

    @Test("invalid UTF-8 is refused", arguments: [
        [0xFF], [0xC0, 0x80], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x9F, 0x98], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ] as [[UInt8]])
    func invalidUTF8(bad: [UInt8]) {
        let bytes = Array("{\"a\":\"x".utf8) + bad + Array("y\"}".utf8)
        #expect(throws: JSONSyntaxError.self) { try read(bytes) { _ in () } }
    }

    @Test("strings decode escapes and multi-byte UTF-8")
    func strings() throws {
        let text = #"{"a":"青菜 🥬","b":"q\"\\\/\b\f\n\r\t","c":"\u9752\ud83e\udd6c","\u0064":1}"#
        let decoded = try read(text) { object -> [String] in
            ["a", "b", "c"].map { key in
                let member = object.members.first { object.keyString($0) == key }!
                guard case .string(let range, let escaped) = member.value else { return "not a string" }
                return object.string(range, escaped: escaped)
            } + [object.value("d") == nil ? "no d" : "d"]
        }
        #expect(decoded == ["青菜 🥬", "q\"\\/\u{08}\u{0C}\n\r\t", "青🥬", "d"])
    }

    @Test("nesting up to 8 levels is accepted, 9 is refused")
    func depth() throws {
        // The payload object is level 1, so 7 nested arrays make 8 levels.
        let ok = "{\"a\":" + String(repeating: "[", count: 7) + String(repeating: "]", count: 7) + "}"
        let tooDeep = "{\"a\":" + String(repeating: "[", count: 8) + String(repeating: "]", count: 8) + "}"
        let mixed = "{\"a\":{\"b\":[{\"c\":[{\"d\":[{\"e\":1}]}]}]}}"
        #expect(try read(ok) { $0.members.count } == 1)
        #expect(try read(mixed) { $0.members.count } == 1)
        #expect(throws: JSONSyntaxError.self) { try read(tooDeep) { _ in () } }
    }

    @Test("100 000 levels of nesting fail fast without recursion")
    func hostileDepth() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try read(deep) { _ in () } }
        let deepObjects = "{\"a\":" + String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try read(deepObjects) { _ in () } }
    }

    @Test("arrays of scalars are readable; nested arrays are not flat")
    func arrays() throws {
        let elements = try read("{\"box\":[0.1, 0.2 ,0.3,0.4],\"n\":[[1]],\"e\":[]}") { object -> [Int?] in
            ["box", "n", "e"].map { key in
                let member = object.members.first { object.keyString($0) == key }!
                guard case .array(let range) = member.value else { return -1 }
                return object.scalarElements(range)?.count
            }
        }
        #expect(elements == [4, nil, 0])
    }

    @Test("more than 256 fields are refused")
    func memberLimit() throws {
        let fields = (0..<257).map { "\"k\($0)\":\($0)" }
        #expect(try read("{" + fields.dropLast().joined(separator: ",") + "}") { $0.members.count } == 256)
        #expect(throws: JSONSyntaxError.self) { try read("{" + fields.joined(separator: ",") + "}") { _ in () } }
    }

    @Test("duplicates are found among many fields too, escaped or not")
    func duplicatesAmongMany() throws {
        let fields = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(try read("{" + fields.joined(separator: ",") + "}") { $0.members.count } == 40)
        #expect(throws: JSONSyntaxError.self) {
            try read("{" + (fields + ["\"k7\":1"]).joined(separator: ",") + "}") { _ in () }
        }
        #expect(throws: JSONSyntaxError.self) {
            try read("{" + (fields + ["\"k\\u0033\":1"]).joined(separator: ",") + "}") { _ in () }
        }
    }

    @Test("errors say where and what")
    func errorMessages() {
        do {
            _ = try read("{\"t\":3.4 \"rh\":1}") { _ in () }
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "invalid JSON at byte 9: expected ',' or '}' after a field, found '\"'")
        }
    }
}
