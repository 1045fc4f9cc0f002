import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import Logging
import Prometheus
import Synchronization

/// One-click voice warning (一键喊话, docs/camera-vision.md "Voice warnings"). Plays a label's
/// prerecorded clip or an uploaded recording on the speaker of the camera an alarm came from:
///
/// - a native camera (protocol v1) gets `{"cmd":"speak",…}` with the base64 µ-law samples on its
///   `cmd` topic (firmware-specs/camera.md);
/// - a camera with a registry `speaker:` gets ISAPI two-way audio (`ISAPITwoWayAudio`).
///
/// One warning at a time per camera (a second is refused as busy, never queued behind the
/// first). Every attempt that reached the camera, played or failed, is a `voice_warning` step
/// of the alarm's trail with what was played and how it went. No lock is held while talking
/// to the camera or reading a clip.
public final class VoiceWarningService: VoiceWarningPort {
    public let maxUploadBytes = VoiceAudio.maxBytes
    private let alarms: AlarmEngine
    private let model: StateModel
    private let clips: VoiceClips
    private let client: CameraHTTPClient
    private let publish: @Sendable (String, [UInt8]) throws -> Void
    private let clock: any WallClock
    private let logger: Logger
    private let pacedAudio: Bool
    private let speaking = Mutex<Set<DeviceKey>>([])
    private let counters = Mutex<[String: Counter]>([:])
    private let registry: PrometheusCollectorRegistry

    /// `publish(topic, payload)` sends on MQTT at QoS 1 and throws when it cannot.
    public init(alarms: AlarmEngine, model: StateModel, clips: VoiceClips, client: CameraHTTPClient, metrics: GatewayMetrics,
                clock: any WallClock, logger: Logger, pacedAudio: Bool = true,
                publish: @escaping @Sendable (String, [UInt8]) throws -> Void) {
        self.alarms = alarms
        self.model = model
        self.clips = clips
        self.client = client
        self.publish = publish
        self.clock = clock
        self.logger = logger
        self.pacedAudio = pacedAudio
        self.registry = metrics.registry
    }

    public func warn(alarm: AlarmRecord, by actor: String, audio: VoiceAudioChoice) async throws(VoiceWarningError) -> VoiceWarningOutcome {
        do {
            let outcome = try await play(alarm: alarm, by: actor, audio: audio)
            count(outcome.via, "played")
            return outcome
        } catch {
            count("-", error.code)
            throw error
        }
    }

    private func play(alarm: AlarmRecord, by actor: String, audio: VoiceAudioChoice) async throws(VoiceWarningError) -> VoiceWarningOutcome {
        guard alarm.isOpen else { throw .refused("alarm \(alarm.id) is closed; closed alarms cannot change") }
        let camera = alarm.device
        guard let device = model.registry.device(camera), device.kind == .camera else {
            throw .cannotSpeak("alarm \(alarm.id) comes from \(camera), which is not a camera in the registry")
        }
        let via: String
        if device.cameraHTTP?.speaker != nil {
            via = "isapi"
        } else if device.source == nil {
            via = "mqtt"
        } else {
            throw .cannotSpeak("camera \(camera) is a \(device.source!.family.rawValue) camera without a speaker: "
                + "give it `speaker: {url, username, password}` in the registry")
        }
        let samples: [UInt8]
        let source: String
        var clipName: String?
        switch audio {
        case .clip(let asked):
            let label = asked ?? alarm.label ?? "default"
            guard VoiceClips.isLabel(label) else { throw .noClip("clip '\(label.prefix(32))' is not a label (a-z 0-9 _)") }
            guard let found = try clips.load(label) else {
                throw .noClip("no clip for '\(label)' (nor default) in \(clips.directory); run scripts/make-voice-clips")
            }
            (clipName, samples, source) = (found.name, found.samples, "clip")
        case .upload(let body, let contentType):
            samples = try VoiceAudio.samples(body, contentType: contentType)
            source = "upload"
        }
        let seconds = (Double(samples.count) / Double(VoiceAudio.sampleRate) * 10).rounded() / 10
        guard speaking.withLock({ $0.insert(camera).inserted }) else {
            throw .busy("a warning is playing on \(camera); try again when it has finished")
        }
        defer { _ = speaking.withLock { $0.remove(camera) } }

        var failure: VoiceWarningError?
        if via == "isapi", let speaker = device.cameraHTTP?.speaker {
            do {
                try await ISAPITwoWayAudio(client: client, speaker: speaker, paced: pacedAudio).play(samples)
            } catch {
                failure = error
            }
        } else {
            let command = Self.speakCommand(id: "\(alarm.id)-\(clock.now())", alarm: alarm.id, clip: clipName, samples: samples)
            do {
                try publish(Topic.device(camera, .cmd).description, command)
            } catch {
                failure = .cameraFailed("cannot publish the speak command: \(error)")
            }
        }
        let what = clipName.map { "clip \($0)" } ?? "recording"
        let note = failure.map { "喊话失败 voice warning failed (\(what), \(seconds) s, \(via)): \($0.description)" }
            ?? "喊话 voice warning played (\(what), \(seconds) s, \(via))"
        do {
            _ = try alarms.voiceWarning(id: alarm.id, by: actor, note: String(note.prefix(480)))
        } catch {
            switch error {
            case .refused(let refusal): throw .refused(refusal.description)
            case .notFound: throw .refused(error.description)
            case .notRecorded: throw .notRecorded(error.description)
            }
        }
        if let failure {
            logger.warning("voice warning failed", metadata: ["alarm": "\(alarm.id)", "camera": "\(camera)", "via": "\(via)",
                                                              "error": "\(failure.description)"])
            throw failure
        }
        logger.info("voice warning played", metadata: ["alarm": "\(alarm.id)", "camera": "\(camera)", "via": "\(via)",
                                                       "source": "\(source)", "seconds": "\(seconds)"])
        return VoiceWarningOutcome(alarmID: alarm.id, camera: camera, via: via, source: source, clip: clipName,
                                   bytes: samples.count, seconds: seconds)
    }

    /// `{"cmd":"speak","id":…,"alarm":…,"format":"g711_ulaw_8k","clip":…,"audio":"<base64>"}`.
    static func speakCommand(id: String, alarm: String, clip: String?, samples: [UInt8]) -> [UInt8] {
        var object: [String: String] = ["cmd": "speak", "id": id, "alarm": alarm, "format": "g711_ulaw_8k",
                                        "audio": Data(samples).base64EncodedString()]
        if let clip { object["clip"] = clip }
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    private func count(_ via: String, _ outcome: String) {
        let counter = counters.withLock { counters -> Counter in
            let key = "\(via)|\(outcome)"
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(name: "bk_voice_warnings_total", labels: [("via", via), ("outcome", outcome)],
                                               help: "Voice warnings by path (mqtt, isapi) and outcome (played or an error code)")
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
