import Foundation
@testable import Gateway
import GatewayPorts
import TestSupport
import Testing

/// Issue 18, item 4: what may be played on a camera's speaker. Uploads are G.711 µ-law 8 kHz mono,
/// raw or in a WAV file, 0.2-30 s; everything else is refused with the reason.
@Suite struct VoiceAudioTests {
    static func refusal(_ body: [UInt8], _ type: String) -> String? {
        do {
            _ = try VoiceAudio.samples(body, contentType: type)
            return nil
        } catch {
            #expect(error.code == "bad_audio")
            return error.description
        }
    }

    @Test func rawAndWavMuLawAreTakenAndTheirSamplesKept() throws {
        let samples = (0..<4_000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(try VoiceAudio.samples(samples, contentType: "audio/basic") == samples)
        #expect(try VoiceAudio.samples(samples, contentType: "Audio/PCMU; rate=8000") == samples)
        let wav = VoiceWarningLoopTests.wav(samples)
        #expect(try VoiceAudio.samples(wav, contentType: "audio/wav") == samples)
        // A LIST chunk before the format and an odd-sized chunk's pad byte are skipped.
        var listed = Array(wav[0..<12]) + Array("LIST".utf8) + [3, 0, 0, 0, 0x61, 0x62, 0x63, 0] + Array(wav[12...])
        listed[4] = UInt8(truncatingIfNeeded: listed.count - 8)
        #expect(try VoiceAudio.samples(listed, contentType: "audio/x-wav") == samples)
    }

    @Test func anythingElseIsRefusedWithWhatItIs() {
        let samples = [UInt8](repeating: 0x7F, count: 4_000)
        #expect(Self.refusal(samples, "audio/mpeg")?.contains("Content-Type must be audio/basic") == true)
        #expect(Self.refusal([UInt8](repeating: 0, count: 100), "audio/basic")?.contains("at least 1600") == true)
        #expect(Self.refusal([UInt8](repeating: 0, count: 240_001), "audio/basic")?.contains("at most 240000") == true)
        #expect(Self.refusal(VoiceWarningLoopTests.wav(samples, format: 1), "audio/wav")?.contains("format 1") == true)
        var stereo = VoiceWarningLoopTests.wav(samples)
        stereo[22] = 2
        #expect(Self.refusal(stereo, "audio/wav")?.contains("2 channel(s)") == true)
        var wideband = VoiceWarningLoopTests.wav(samples)
        wideband[24] = 0x80; wideband[25] = 0x3E  // 16000 Hz
        #expect(Self.refusal(wideband, "audio/wav")?.contains("16000 Hz") == true)
        #expect(Self.refusal(Array("RIFX\0\0\0\0WAVE".utf8) + samples, "audio/wav")?.contains("no RIFF/WAVE") == true)
        var truncated = VoiceWarningLoopTests.wav(samples)
        truncated[16] = 0xFF; truncated[17] = 0xFF  // the fmt chunk claims 65535 bytes
        #expect(Self.refusal(truncated, "audio/wav")?.contains("runs past the end") == true)
        let dataFirst = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEdata".utf8) + [0xA0, 0x0F, 0, 0] + samples
        #expect(Self.refusal(dataFirst, "audio/wav")?.contains("before its format chunk") == true)
        let noData = Array(VoiceWarningLoopTests.wav(samples)[0..<36])
        #expect(Self.refusal(noData, "audio/wav")?.contains("no data chunk") == true)
    }

    @Test func clipsAreLabelsInTheFolderWithTheDefaultAsFallback() throws {
        let dir = TemporaryDirectory("bk-clips")
        let clips = VoiceClips(directory: dir.path)
        #expect(try clips.load("no_hat") == nil)
        try Data([UInt8](repeating: 0xFF, count: 1_600)).write(to: URL(fileURLWithPath: dir.file("default.ulaw")))
        try Data(VoiceWarningLoopTests.wav([UInt8](repeating: 0x10, count: 2_000))).write(to: URL(fileURLWithPath: dir.file("smoking.wav")))
        #expect(try clips.load("no_hat")?.name == "default")
        let smoking = try #require(try clips.load("smoking"))
        #expect(smoking.name == "smoking" && smoking.samples == [UInt8](repeating: 0x10, count: 2_000))
        // A name that is not a label never becomes a path.
        #expect(!VoiceClips.isLabel("../etc/passwd") && !VoiceClips.isLabel("No_Hat") && !VoiceClips.isLabel(""))
        #expect(try clips.load("../default")?.name == "default")
        try Data([UInt8](repeating: 0, count: 10)).write(to: URL(fileURLWithPath: dir.file("phone.ulaw")))
        #expect(throws: VoiceWarningError.self) { try clips.load("phone") }
    }

    @Test func speakCommandCarriesTheSamplesAsTheFirmwareSpecSays() throws {
        let samples: [UInt8] = [0xFF, 0x00, 0x7F, 0x80]
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(VoiceWarningService.speakCommand(id: "al_1-5", alarm: "al_1", clip: "no_hat", samples: samples))) as? [String: String])
        #expect(json == ["cmd": "speak", "id": "al_1-5", "alarm": "al_1", "format": "g711_ulaw_8k", "clip": "no_hat",
                         "audio": Data(samples).base64EncodedString()])
    }

    @Test func digestPiecesOfTheCameraClient() {
        #expect(CameraHTTPClient.requestURI("http://10.0.0.5:8080/cgi-bin/snapshot.cgi?channel=1") == "/cgi-bin/snapshot.cgi?channel=1")
        #expect(CameraHTTPClient.requestURI("http://10.0.0.5") == "/")
        #expect(CameraHTTPClient.authority("https://10.0.0.5:8443/ISAPI/x") == "https://10.0.0.5:8443")
        let fields = CameraHTTPClient.fields(#"realm="IP Camera(D1234)", qop="auth,auth-int", nonce="4e30", algorithm=MD5, stale=FALSE"#)
        #expect(fields["realm"] == "IP Camera(D1234)" && fields["qop"] == "auth,auth-int" && fields["nonce"] == "4e30")
        #expect(fields["algorithm"] == "MD5" && fields["stale"] == "FALSE")
        #expect(ISAPITwoWayAudio.element("sessionId", in: Array("<a:TwoWayAudioSession><a:sessionId> 42 </a:sessionId>".utf8)) == "42")
        #expect(ISAPITwoWayAudio.status(Array(CameraHTTPStandIn.status("/x", code: 4, "Device Busy", sub: "deviceBusy", http: 403).body))
            == ": Device Busy (deviceBusy)")
    }
}
