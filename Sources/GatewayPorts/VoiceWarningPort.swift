import KitchenModel
import KitchenRules

/// What a voice warning plays: the prerecorded clip of a label (nil: the alarm's own label), or
/// audio a person recorded and uploaded.
public enum VoiceAudioChoice: Sendable, Equatable {
    case clip(String?)
    /// The request body as sent, with its `Content-Type` (`audio/basic` raw µ-law or `audio/wav`).
    case upload([UInt8], contentType: String)
}

/// A warning played, as the API answers it.
public struct VoiceWarningOutcome: Sendable, Equatable {
    public var alarmID: String
    public var camera: DeviceKey
    /// `mqtt` (a native camera's `speak` command) or `isapi` (two-way audio).
    public var via: String
    /// `clip` or `upload`.
    public var source: String
    public var clip: String?
    public var bytes: Int
    public var seconds: Double

    public init(alarmID: String, camera: DeviceKey, via: String, source: String, clip: String?, bytes: Int, seconds: Double) {
        self.alarmID = alarmID
        self.camera = camera
        self.via = via
        self.source = source
        self.clip = clip
        self.bytes = bytes
        self.seconds = seconds
    }
}

/// Why no warning was played; `code` is the API's error code.
public enum VoiceWarningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The upload is not µ-law 8 kHz mono (raw or WAV), or is too short or too long.
    case badAudio(String)
    /// No clip file for the label (nor a `default` one).
    case noClip(String)
    /// The alarm's device cannot speak: not a camera, or a camera with no speaker configured.
    case cannotSpeak(String)
    /// Another warning is playing on this camera.
    case busy(String)
    /// The camera refused or did not answer; the attempt is in the alarm's trail.
    case cameraFailed(String)
    /// The alarm is closed (or otherwise refuses a step).
    case refused(String)
    /// The trail step could not be stored.
    case notRecorded(String)

    public var code: String {
        switch self {
        case .badAudio: "bad_audio"
        case .noClip: "no_clip"
        case .cannotSpeak: "cannot_speak"
        case .busy: "speaker_busy"
        case .cameraFailed: "camera_failed"
        case .refused: "invalid_transition"
        case .notRecorded: "not_recorded"
        }
    }

    public var description: String {
        switch self {
        case .badAudio(let why), .noClip(let why), .cannotSpeak(let why), .busy(let why), .cameraFailed(let why),
             .refused(let why), .notRecorded(let why): why
        }
    }
}

/// One-click voice warning (一键喊话, docs/camera-vision.md "Voice warnings"): plays audio on the
/// speaker of the camera an alarm came from and records the attempt as a step of the alarm's
/// trail. `Gateway`'s `VoiceWarningService` conforms.
public protocol VoiceWarningPort: Sendable {
    /// Uploads above this are refused before they are read whole (413).
    var maxUploadBytes: Int { get }
    func warn(alarm: AlarmRecord, by actor: String, audio: VoiceAudioChoice) async throws(VoiceWarningError) -> VoiceWarningOutcome
}
