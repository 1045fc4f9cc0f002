import Foundation
import GatewayPorts
import KitchenModel

/// Plays µ-law samples on a Hikvision camera through ISAPI two-way audio (Intelligent Security
/// API, General Application, §15.10.186-190; docs/third-party-devices.md):
///
/// 1. `PUT /ISAPI/System/TwoWayAudio/channels/<id>/open` → `<TwoWayAudioSession><sessionId>`
/// 2. `PUT …/audioData?sessionId=<id>`, `application/octet-stream`, raw G.711 µ-law, in chunks
/// 3. `PUT …/close`
///
/// A camera talks to one client at a time: when `open` is refused (a session left open by a
/// crashed client, or by this gateway before a restart), the stale session is closed first and
/// `open` tried once more. `close` is sent whatever happened after a successful `open`.
struct ISAPITwoWayAudio: Sendable {
    let client: CameraHTTPClient
    let speaker: CameraSpeaker
    var timeout: Duration = .seconds(5)
    /// Bytes per `audioData` request (0.5 s of sound).
    var chunkBytes = 4_000
    /// Send chunks no faster than they play (less a lead of one chunk), as the camera's buffer is small.
    var paced = true

    private var channelURL: String { "\(speaker.baseURL)/ISAPI/System/TwoWayAudio/channels/\(speaker.channel)" }

    func play(_ samples: [UInt8]) async throws(VoiceWarningError) {
        var session: String
        do {
            session = try await open()
        } catch {
            // Refused: most often a session still open. Close it, then try once more.
            _ = try? await put("close")
            session = try await open()
        }
        var failure: VoiceWarningError?
        let started = ContinuousClock.now
        var offset = 0
        while offset < samples.count, failure == nil {
            let end = min(samples.count, offset + chunkBytes)
            do {
                let reply = try await put("audioData?sessionId=\(session)", body: Array(samples[offset..<end]),
                                          contentType: "application/octet-stream")
                if reply.status != 200 { failure = .cameraFailed("audioData answered HTTP \(reply.status)\(Self.status(reply.body))") }
            } catch {
                failure = error
            }
            offset = end
            if paced, offset < samples.count {
                let playedUntil = Duration.milliseconds((offset - chunkBytes) * 1_000 / VoiceAudio.sampleRate)
                let wait = playedUntil - started.duration(to: .now)
                if wait > .zero { try? await Task.sleep(for: wait) }
            }
        }
        do {
            let reply = try await put("close")
            if reply.status != 200, failure == nil { failure = .cameraFailed("close answered HTTP \(reply.status)\(Self.status(reply.body))") }
        } catch {
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
    }

    private func open() async throws(VoiceWarningError) -> String {
        let reply = try await put("open")
        guard reply.status == 200 else { throw .cameraFailed("open answered HTTP \(reply.status)\(Self.status(reply.body))") }
        guard let id = Self.element("sessionId", in: reply.body) else {
            // Older firmware opens the single channel without a session id; audioData then takes none.
            return ""
        }
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ $0.isASCIIAlphanumericOrDash }) else {
            throw .cameraFailed("open answered a sessionId that is not a plain token")
        }
        return id
    }

    private func put(_ path: String, body: [UInt8]? = nil, contentType: String? = nil) async throws(VoiceWarningError) -> CameraHTTPClient.Reply {
        let url = path.hasPrefix("audioData?sessionId=") && path.hasSuffix("=")
            ? "\(channelURL)/audioData" : "\(channelURL)/\(path)"
        do {
            return try await client.request(.PUT, url, body: body, contentType: contentType, credentials: speaker.credentials,
                                            timeout: timeout, maxBytes: 64 * 1024)
        } catch {
            throw .cameraFailed("\(path.prefix { $0 != "?" }): \(error.description)")
        }
    }

    /// The text of `<name>…</name>` in a small XML answer (namespace prefixes ignored).
    static func element(_ name: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(8_192), as: UTF8.self)
        guard let open = text.range(of: "<\(name)>") ?? text.range(of: ":\(name)>"),
              let close = text.range(of: "</", range: open.upperBound..<text.endIndex) else { return nil }
        return text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `: <statusString> (<subStatusCode>)` of an ISAPI `ResponseStatus`, when there is one.
    static func status(_ body: [UInt8]) -> String {
        guard let text = element("statusString", in: body) else { return "" }
        let sub = element("subStatusCode", in: body).map { " (\($0))" } ?? ""
        return ": " + TerminalText.escape(String((text + sub).prefix(120)))
    }
}

private extension UInt8 {
    var isASCIIAlphanumericOrDash: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) || self == 0x2D || self == 0x5F
    }
}
