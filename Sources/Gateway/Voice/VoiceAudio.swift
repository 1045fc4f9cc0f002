import GatewayPorts

/// G.711 µ-law, 8 kHz, mono: what a camera speaker plays (ISAPI two-way audio's `G.711ulaw`,
/// and the native `speak` command). Uploads and clip files are checked here: raw µ-law
/// (`audio/basic`, RFC 2046) or a WAV file whose format chunk says µ-law (format tag 7), one
/// channel, 8000 Hz, 8 bits. Anything else is refused with the reason, never converted blindly.
public enum VoiceAudio {
    public static let sampleRate = 8_000
    /// At least 0.2 s, at most 30 s of sound.
    public static let minSamples = 1_600
    public static let maxSamples = 30 * 8_000
    /// The largest body accepted: 30 s of samples plus a generous WAV header.
    public static let maxBytes = maxSamples + 4_096

    public static let rawTypes: Set<String> = ["audio/basic", "audio/pcmu", "audio/x-mulaw", "audio/mulaw"]
    public static let wavTypes: Set<String> = ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"]

    /// The µ-law samples of an upload, or why it is refused.
    public static func samples(_ body: [UInt8], contentType: String) throws(VoiceWarningError) -> [UInt8] {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let samples: [UInt8]
        if rawTypes.contains(type) {
            samples = body
        } else if wavTypes.contains(type) {
            samples = try wavSamples(body)
        } else {
            throw .badAudio("Content-Type must be audio/basic (raw G.711 µ-law, 8 kHz mono) or audio/wav, got '\(type.prefix(60))'")
        }
        try checkLength(samples.count)
        return samples
    }

    static func checkLength(_ count: Int) throws(VoiceWarningError) {
        guard count >= minSamples else { throw .badAudio("the audio is \(count) samples; at least \(minSamples) (0.2 s) are needed") }
        guard count <= maxSamples else { throw .badAudio("the audio is \(count) samples; at most \(maxSamples) (30 s) are played") }
    }

    /// The `data` chunk of a µ-law 8 kHz mono WAV file.
    public static func wavSamples(_ bytes: [UInt8]) throws(VoiceWarningError) -> [UInt8] {
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46][...], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45][...] else {
            throw .badAudio("not a WAV file (no RIFF/WAVE header)")
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(le32(bytes, offset + 4))
            let body = offset + 8
            guard size >= 0, body + size <= bytes.count || id == "data" else { throw .badAudio("WAV chunk '\(id)' runs past the end of the file") }
            switch id {
            case "fmt ":
                guard size >= 16 else { throw .badAudio("WAV format chunk is too short") }
                format = (Int(le16(bytes, body)), Int(le16(bytes, body + 2)), Int(le32(bytes, body + 4)), Int(le16(bytes, body + 14)))
            case "data":
                guard let format else { throw .badAudio("WAV data comes before its format chunk") }
                guard format.tag == 7, format.channels == 1, format.rate == sampleRate, format.bits == 8 else {
                    throw .badAudio("WAV must be G.711 µ-law (format 7), mono, 8000 Hz, 8 bits; this one is format \(format.tag), "
                        + "\(format.channels) channel(s), \(format.rate) Hz, \(format.bits) bits "
                        + "(convert with: sox in.wav -r 8000 -c 1 -e u-law out.wav)")
                }
                // A streaming writer may leave the size at 0 or 0xFFFFFFFF: take what is there.
                let end = size > 0 && body + size <= bytes.count ? body + size : bytes.count
                return Array(bytes[body..<end])
            default:
                break
            }
            offset = body + size + (size & 1)
        }
        throw .badAudio("WAV file has no data chunk")
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
