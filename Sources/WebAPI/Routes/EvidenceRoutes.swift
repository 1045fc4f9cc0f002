import Foundation
import Hummingbird
import KitchenModel
import StorageModel

/// Camera evidence of an alarm: `GET /api/v1/alarms/{id}/evidence` lists it, and
/// `GET /api/v1/evidence/{id}/original.jpg` / `thumbnail.jpg` serve the pictures to whoever may
/// see the alarm. Evidence ids are integers; anything else is not found.
struct EvidenceRoutes {
    let dependencies: APIDependencies

    struct PictureView: Encodable {
        var url: String
        var bytes: Int
        var width: Int
        var height: Int
    }

    struct EvidenceView: Encodable {
        var id: Int64
        var at: EpochMillis
        var device: String
        var snapshot: String
        var source: String
        var label: String
        var score: Double
        var box: [Double]?
        var original: PictureView
        var thumbnail: PictureView

        init(_ e: EvidenceSummary) {
            id = e.id
            at = e.at
            device = e.camera.device.rawValue
            snapshot = e.snapshot
            source = e.source
            label = e.label
            score = e.score
            box = e.box
            original = PictureView(url: EvidenceRoutes.url(e.id, .original), bytes: e.originalBytes,
                                   width: e.originalWidth, height: e.originalHeight)
            thumbnail = PictureView(url: EvidenceRoutes.url(e.id, .thumbnail), bytes: e.thumbnailBytes,
                                    width: e.thumbnailWidth, height: e.thumbnailHeight)
        }
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/alarms/{id}/evidence") { _, context in
            let principal = try context.requirePrincipal()
            let alarm = try AlarmRoutes(dependencies: dependencies).visibleAlarm(context.parameters.require("id"), principal)
            struct Body: Encodable {
                var alarm: String
                var evidence: [EvidenceView]
            }
            return JSONBody.response(Body(alarm: alarm.id,
                                          evidence: try dependencies.store.evidence(ofAlarm: alarm.id).map(EvidenceView.init)))
        }
        for picture in [EvidencePicture.original, .thumbnail] {
            group.get("/api/v1/evidence/{id}/\(picture.rawValue).jpg") { _, context in
                try Self.picture(picture, id: context.parameters.require("id"), for: context.requirePrincipal(),
                                 store: dependencies.store)
            }
        }
    }

    /// The JPEG of one piece of evidence, for whoever may see its alarm (the API and the dashboard).
    static func picture(_ picture: EvidencePicture, id text: String, for principal: Principal, store: any EvidenceStore & AlarmStore) throws -> Response {
        guard let id = evidenceID(text), let evidence = try store.evidence(id: id), let alarm = try store.alarm(id: evidence.alarmID)
        else {
            throw APIError.notFound("no evidence '\(text.prefix(32))'")
        }
        guard AlarmRoutes.visible(alarm, to: principal) else {
            throw APIError.forbidden("this token may not see the alarm of evidence \(id)")
        }
        guard let jpeg = try store.evidencePicture(id: id, picture) else {
            throw APIError.notFound("no evidence '\(id)'")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        // Pictures of a kitchen: out of shared caches, and not left in a browser's cache
        // after logout for the next person at the same computer.
        headers[.cacheControl] = CachePolicy.authenticated
        headers[HTTPFields.Element.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    static func url(_ id: Int64, _ picture: EvidencePicture) -> String {
        "/api/v1/evidence/\(id)/\(picture.rawValue).jpg"
    }

    /// Only plain decimal ids: a path segment such as `..` or `1%2F..` never reaches the store.
    static func evidenceID(_ text: String) -> Int64? {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(text)
    }
}
