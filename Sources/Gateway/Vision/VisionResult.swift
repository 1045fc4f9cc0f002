import Foundation
import KitchenModel
import KitchenRules

/// What a `serve --role vision` worker hands the owner of a camera's shard: JSON on
/// `bk/v1/<site>/_vision/<device>`, QoS 1, published on the worker's session of the camera's group.
/// The shard owner already subscribes `bk/v1/<site>/+/+`; a device cannot publish there on the
/// embedded broker (its account is confined to its own device's topics), and on an external broker
/// the ACL must reserve `bk/v1/+/_vision/#` to the vision workers (docs/operations.md).
struct VisionResult: Codable, Sendable, Equatable {
    /// The camera group and the worker's lease epoch for it: the owner refuses results of an epoch
    /// older than one it has seen for the group (a worker that lost its lease).
    var group: Int
    var epoch: Int64
    var body: Body

    enum Body: Codable, Sendable, Equatable {
        case condition(Condition)
        case motion(Motion)
    }

    /// A video-quality fault raised or cleared (covered, blurred, frozen, no frames).
    struct Condition: Codable, Sendable, Equatable {
        var kind: AlarmKind
        var active: Bool
        var at: EpochMillis
        var detail: AlarmDetail
    }

    /// A night-motion detection the worker made, with its frame and thumbnail as evidence.
    struct Motion: Codable, Sendable, Equatable {
        var label: String
        var score: Double
        /// x, y, width, height as fractions of the picture.
        var box: [Double]
        var snapshot: String
        var at: EpochMillis
        var original: Data
        var originalWidth: Int
        var originalHeight: Int
        var thumbnail: Data
        var thumbnailWidth: Int
        var thumbnailHeight: Int
    }

    static let channel = "_vision"

    static func topic(_ camera: DeviceKey) -> String { "\(Topic.prefix)\(camera.site)/\(channel)/\(camera.device)" }

    /// The camera a result topic names; nil for any other topic.
    static func camera(inTopic topic: String) -> DeviceKey? {
        guard topic.hasPrefix(Topic.prefix) else { return nil }
        let parts = topic.dropFirst(Topic.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == channel, let site = SiteID(String(parts[0])),
              let device = DeviceID(String(parts[2])) else { return nil }
        return DeviceKey(site: site, device: device)
    }
}
