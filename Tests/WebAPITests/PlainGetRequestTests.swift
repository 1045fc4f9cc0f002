import NIOCore
import Testing
@testable import WebAPI

/// What the byte-level fast path may answer itself: exactly one plain keep-alive GET, nothing
/// that could be read two ways.
@Suite struct PlainGetRequestTests {
    private func parse(_ text: String) -> PlainGetRequest? { PlainGetRequest.parse(ByteBuffer(string: text)) }

    @Test func aPhonesGetIsRead() {
        let request = parse("GET /k/canteen-01 HTTP/1.1\r\nHost: bk.example.cn\r\nUser-Agent: Mozilla/5.0 (iPhone)\r\n"
            + "Accept-Language:  zh-CN,zh;q=0.9 \r\nConnection: Keep-Alive\r\nAccept: */*\r\n\r\n")
        #expect(request == PlainGetRequest(target: "/k/canteen-01", acceptLanguage: "zh-CN,zh;q=0.9"))
        #expect(parse("GET /t/ABC HTTP/1.1\r\nHost: x\r\n\r\n") == PlainGetRequest(target: "/t/ABC", acceptLanguage: nil))
        #expect(parse("GET /t/ABC HTTP/1.1\r\n\r\n") == PlainGetRequest(target: "/t/ABC", acceptLanguage: nil))
        // Non-ASCII bytes in a value are allowed (obs-text); tabs too.
        #expect(parse("GET /t/ABC HTTP/1.1\r\nX-Note:\t扫码\r\n\r\n")?.target == "/t/ABC")
    }

    @Test func anythingUnusualIsLeftToTheDecoder() {
        let refused = [
            "GET /t/ABC HTTP/1.0\r\nHost: x\r\n\r\n",                      // another version
            "get /t/ABC HTTP/1.1\r\nHost: x\r\n\r\n",                      // method case
            "HEAD /t/ABC HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /t/ABC HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",  // a body announced
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nAccept-Language: en\r\nAccept-Language: zh\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",          // obs-fold
            "GET /t/ABC HTTP/1.1\nHost: x\n\n",                             // bare LF
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\n",                           // not complete
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\n\r\nGET /t/ABC HTTP/1.1\r\n\r\n", // two requests
            "GET /t/ABC HTTP/1.1\r\nHost: x\r\n\r\nxyz",                    // bytes after it
            "GET  /t/ABC HTTP/1.1\r\n\r\n",                                 // two spaces
            "GET t/ABC HTTP/1.1\r\n\r\n",                                   // not origin-form
            "GET /t/A\u{7F}C HTTP/1.1\r\n\r\n",
            "GET /t/ABC HTTP/1.1\r\nHo st: x\r\n\r\n",                      // not a token
            "GET /t/ABC HTTP/1.1\r\nHost : x\r\n\r\n",                      // space before the colon
            "GET /t/ABC HTTP/1.1\r\nHost: x\u{01}\r\n\r\n",                 // a control byte
            "GET /t/ABC HTTP/1.1\r\nHost: x\ry\r\n\r\n",                    // CR inside a value
        ]
        for text in refused { #expect(parse(text) == nil, "\(text.debugDescription)") }
        let long = "GET /t/ABC HTTP/1.1\r\nX: " + String(repeating: "a", count: PlainGetRequest.maxBytes) + "\r\n\r\n"
        #expect(parse(long) == nil)
    }

    /// Mutated requests (bytes changed, inserted, cut) never trap (debug builds check every
    /// subscript), and whatever is accepted has a clean target.
    @Test func mutatedRequestsAreReadOrRefusedNeverMisread() {
        let seed = Array("GET /k/canteen-01 HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN\r\nConnection: keep-alive\r\n\r\n".utf8)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(" \t\r\n:/?%aAzZ09-\u{7F}".utf8) + [0x00, 0x80, 0xFF]
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                let byte = alphabet.randomElement(using: &generator)!
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: if bytes.count > 1 { bytes.remove(at: at) }
                }
            }
            guard let request = PlainGetRequest.parse(ByteBuffer(bytes: bytes)) else { continue }
            #expect(request.target.hasPrefix("/") && request.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F })
            #expect(bytes.starts(with: Array("GET ".utf8)) && bytes.suffix(4) == [13, 10, 13, 10])
        }
    }
}
