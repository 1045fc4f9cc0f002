import Foundation
import GatewayPorts
import Hummingbird
import KitchenModel
import KitchenRules
import NIOCore
import StorageModel

/// `POST /api/v1/alarms/{id}/voice`: one-click voice warning (一键喊话) on the camera of an alarm
/// the token may see (a site its own, a regulator its region, an admin all). A JSON body
/// (`{"clip": "no_hat", "by": "王主管"}`, both optional; the clip defaults to the alarm's label)
/// plays a prerecorded clip; an `audio/basic` (raw G.711 µ-law 8 kHz) or `audio/wav` body plays
/// that recording (`?by=` names the person). The attempt is a `voice_warning` step of the trail.
struct VoiceRoutes {
    let dependencies: APIDependencies

    struct ClipBody: Decodable {
        var clip: String?
        var by: String?
    }

    struct Answer: Encodable {
        var alarm: String
        var camera: String
        var via: String
        var source: String
        var clip: String?
        var bytes: Int
        var seconds: Double
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.post("/api/v1/alarms/{id}/voice") { request, context in
            let principal = try context.requirePrincipal()
            let row = try AlarmRoutes(dependencies: dependencies).visibleAlarm(context.parameters.require("id"), principal)
            guard let voice = dependencies.voice else {
                throw APIError(.serviceUnavailable, "voice_unavailable", "voice warnings are not running on this gateway")
            }
            let contentType = request.headers[.contentType] ?? "application/json"
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > voice.maxUploadBytes {
                throw APIError(.contentTooLarge, "payload_too_large", "the body is over \(voice.maxUploadBytes) bytes (30 s of audio)")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: voice.maxUploadBytes)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw APIError(.contentTooLarge, "payload_too_large", "the body is over \(voice.maxUploadBytes) bytes (30 s of audio)")
            }
            let bytes = Array(body.readableBytesView)
            let audio: VoiceAudioChoice
            let name: String?
            if contentType.lowercased().hasPrefix("application/json") {
                let parsed = try Self.clipBody(bytes)
                _ = try TypedText.optional(parsed.clip, field: "clip", characters: 32)
                audio = .clip(parsed.clip)
                name = parsed.by
            } else {
                audio = .upload(bytes, contentType: contentType)
                name = request.uri.queryParameters.get("by")
            }
            _ = try TypedText.optional(name, field: "by", characters: AlarmRoutes.maxNameLength)
            let outcome = try await Self.warn(voice, row: row, by: AlarmRoutes.actor(principal, named: name), audio: audio)
            return JSONBody.response(Answer(alarm: outcome.alarmID, camera: outcome.camera.description, via: outcome.via,
                                            source: outcome.source, clip: outcome.clip, bytes: outcome.bytes,
                                            seconds: outcome.seconds))
        }
    }

    static func clipBody(_ bytes: [UInt8]) throws -> ClipBody {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return ClipBody() }
        try StrictJSONBody.check(bytes)
        do {
            return try JSONDecoder().decode(ClipBody.self, from: Data(bytes))
        } catch {
            throw APIError.badRequest("the body must be {\"clip\": label, \"by\": name}, both optional")
        }
    }

    /// Shared with the dashboard's button: the stored alarm, then the port's answer as an API error.
    static func warn(_ voice: any VoiceWarningPort, row: AlarmRow, by actor: String, audio: VoiceAudioChoice) async throws -> VoiceWarningOutcome {
        guard let record = row.record else { throw APIError.notFound("alarm '\(row.id)' cannot be read") }
        do throws(VoiceWarningError) {
            return try await voice.warn(alarm: record, by: actor, audio: audio)
        } catch {
            let status: HTTPResponse.Status = switch error {
            case .badAudio: .badRequest
            case .noClip: .notFound
            case .cannotSpeak, .busy, .refused: .conflict
            case .cameraFailed: .badGateway
            case .notRecorded: .serviceUnavailable
            }
            throw APIError(status, error.code, error.description)
        }
    }
}
