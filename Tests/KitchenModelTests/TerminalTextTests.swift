import KitchenModel
import Testing

/// Issue 20 item 4: outside text printed on an operator's terminal cannot drive the terminal.
@Suite struct TerminalTextTests {
    @Test("control sequences are shown, not obeyed", arguments: [
        ("\u{1B}[2J\u{1B}[H", #"\x1b[2J\x1b[H"#),                                     // clear screen, cursor home
        ("\u{1B}]52;c;cm0gLXJmIH4K\u{07}", #"\x1b]52;c;cm0gLXJmIH4K\x07"#),             // OSC 52: write the clipboard
        ("\u{1B}]52;c;cm0gLXJmIH4K\u{1B}\\", #"\x1b]52;c;cm0gLXJmIH4K\x1b\"#),          // ... ended by ST
        ("ok\r2026-12-05 INFO all fine", #"ok\x0d2026-12-05 INFO all fine"#),          // CR: overwrite the line
        ("x\n2026-12-05T09:00:00Z notice gateway stopped", #"x\x0a2026-12-05T09:00:00Z notice gateway stopped"#),
        ("\u{9B}2J", #"\u{9b}2J"#),                                                      // C1 CSI
        ("a\u{7F}b\u{0}c\tz", #"a\x7fb\x00c\x09z"#),
        ("名\u{202E}gpj.exe", #"名\u{202e}gpj.exe"#),                                     // right-to-left override
    ])
    func escapes(raw: String, shown: String) {
        let escaped = TerminalText.escape(raw)
        #expect(escaped == shown)
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func plainTextAndChineseAreUnchanged() {
        let text = #"bk/v1/canteen-01/fridge-1/telemetry {"t":3.5,"名":"冷藏柜"} \x1b"#
        #expect(TerminalText.escape(text) == text)
    }

    @Test func reportsKeepTheirLinesButNotStrayCarriageReturns() {
        #expect(TerminalText.escape("a,b\r\nc\u{1B}[31m,d\n", keepingLineBreaks: true) == "a,b\r\nc\\x1b[31m,d\n")
        #expect(TerminalText.escape("fake\rline\n", keepingLineBreaks: true) == "fake\\x0dline\n")
    }
}
