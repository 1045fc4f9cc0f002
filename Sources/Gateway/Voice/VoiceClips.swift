import GatewayPorts
import Foundation

/// The prerecorded warnings: one file per label in a folder operators may replace at any time
/// (read when a warning is played, never cached), `<label>.ulaw` (raw G.711 µ-law 8 kHz mono)
/// or `<label>.wav` (µ-law WAV); `default.*` plays for a label without its own clip.
/// `scripts/make-voice-clips` makes them from `voice/clips.tsv` with espeak-ng and sox.
public struct VoiceClips: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The clip's name and samples; nil when neither the label's nor the default clip exists.
    /// Labels are a-z 0-9 _, so a name can never leave the folder.
    public func load(_ label: String) throws(VoiceWarningError) -> (name: String, samples: [UInt8])? {
        for name in [label, "default"] where Self.isLabel(name) {
            for ext in ["ulaw", "wav"] {
                let path = (directory as NSString).appendingPathComponent("\(name).\(ext)")
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
                guard let size = attributes[.size] as? Int, size <= VoiceAudio.maxBytes,
                      let data = FileManager.default.contents(atPath: path) else {
                    throw .badAudio("clip \(name).\(ext) is unreadable or over \(VoiceAudio.maxBytes) bytes")
                }
                let bytes = [UInt8](data)
                let samples = ext == "wav" ? try VoiceAudio.wavSamples(bytes) : bytes
                try VoiceAudio.checkLength(samples.count)
                return (name, samples)
            }
        }
        return nil
    }

    static func isLabel(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
