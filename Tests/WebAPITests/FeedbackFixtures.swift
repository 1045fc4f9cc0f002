import CameraVision
import Foundation
import GatewayPorts
import Hummingbird
import KitchenModel
import StorageModel
import Synchronization
import Testing
import WebAPI

/// Complaint steps as the gateway would publish them, kept for the test to read.
final class RecordingComplaintFeed: ComplaintFeed {
    let webhookTargets: [String]
    private let published = Mutex<[(topic: String, payload: [UInt8])]>([])

    init(webhookTargets: [String] = ["city"]) { self.webhookTargets = webhookTargets }

    func publish(topic: String, payload: [UInt8]) { published.withLock { $0.append((topic, payload)) } }

    var messages: [(topic: String, json: [String: Any])] {
        published.withLock { $0 }.map { ($0.topic, (try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any]) ?? [:]) }
    }

    var raw: [String] { published.withLock { $0 }.map { String(decoding: $0.payload, as: UTF8.self) } }
}

enum FeedbackFixtures {
    /// A real JPEG, as a phone's camera would send (small: the inspector reads headers, not size).
    static func photo(_ shade: UInt8 = 200) throws -> [UInt8] {
        let encoder = try #require(JPEGEncoder())
        return try encoder.encode(RGBImage(width: 64, height: 48, fill: RGB(shade, 40, 40)))
    }

    static let boundary = "----bkFormBoundary7MA4YWxkTrZu0gW"

    /// A `multipart/form-data` body as a browser sends the complaint form.
    static func multipart(_ fields: [(String, String)], photos: [[UInt8]]) -> ByteBuffer {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (i, photo) in photos.enumerated() {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"IMG_\(i).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            body += photo + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static let multipartHeaders: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
}

extension WebFixture {
    /// Complaints for the scope matrices: in Wuhan a complaint to accept, one to refuse and a
    /// tip-off to close (each with a photo), in Changsha one complaint.
    static func seedComplaints(_ store: any GatewayStore) throws {
        let rows: [(String, SiteID, String, FeedbackKind)] = [
            ("cp_acc", SiteID("canteen-01")!, "420106", .complaint), ("cp_ref", SiteID("canteen-01")!, "420106", .complaint),
            ("cp_tip", SiteID("canteen-03")!, "420107-01", .tipoff), ("cp_out", SiteID("canteen-02")!, "430102", .complaint),
        ]
        for (id, site, region, kind) in rows {
            let c = ComplaintRecord(id: id, receipt: "RCPT" + id.uppercased().replacingOccurrences(of: "_", with: ""), site: site,
                                    region: region, kind: kind, text: "后厨有老鼠", contact: nil, source: "kitchen", ticket: nil,
                                    state: .received, receivedAt: webT0 - 3_600_000, decideBy: webT0 + 86_400_000,
                                    closeBy: nil, photoCount: 1, fingerprint: id, updatedAt: webT0 - 3_600_000)
            try store.insertComplaint(c, photos: [ComplaintPhoto(jpeg: [0xFF, 0xD8, 0xFF, 0xD9], width: 1, height: 1)],
                                      step: ComplaintStep(complaintID: id, at: c.receivedAt, kind: "received", actor: nil, note: nil),
                                      outboxTargets: [], message: [], now: c.receivedAt)
        }
    }
}
