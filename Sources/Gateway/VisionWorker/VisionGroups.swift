import Foundation
import KitchenModel
import Logging
import MQTTClient
import PostgresStorage
import Synchronization

/// The camera groups a vision worker holds, and the way out for their results: each result goes
/// out on the session of its camera's group, stamped with that group's lease epoch, and only while
/// the lease is trusted. A group lost or given back takes its results with it (the next holder
/// finds the same faults again from the frames its session receives).
final class VisionGroups: VisionResultPublisher, Sendable {
    struct Held: Sendable {
        let group: Int
        let client: MQTTClient
        let fence: ShardFence
        let topics: ThirdPartySubscriptions
    }

    /// How many groups the cameras are hashed into; every worker must use the same number.
    let count: Int
    let logger: Logger
    let held = Mutex<[Int: Held]>([:])
    private let dropped = Atomic<Int>(0)

    init(count: Int, logger: Logger) {
        self.count = count
        self.logger = logger
    }

    /// A camera's group: a stable hash (FNV-1a) of `site/device`, the same on every machine and
    /// every start, unlike Swift's seeded `hashValue`.
    static func group(of camera: DeviceKey, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(camera.site)/\(camera.device)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(max(1, count)))
    }

    func group(of camera: DeviceKey) -> Int { Self.group(of: camera, count: count) }

    /// The lease (and session) name of a group: the group count is part of it, so workers started
    /// with another `--vision-groups` never share a session that means other cameras.
    func name(of group: Int) -> String { "\(group)-of-\(count)" }

    static func clientID(of name: String) -> String { "brightkitchen-vision-\(name)" }

    /// Results published that had no trusted group to go out on.
    var droppedResults: Int { dropped.load(ordering: .relaxed) }

    func publish(_ body: VisionResult.Body, camera: DeviceKey) {
        let group = group(of: camera)
        guard let entry = held.withLock({ $0[group] }), entry.fence.isTrusted else {
            dropped.add(1, ordering: .relaxed)
            return
        }
        do {
            let payload = try JSONEncoder().encode(VisionResult(group: group, epoch: entry.fence.epoch, body: body))
            _ = try entry.client.publish(topic: VisionResult.topic(camera), payload: [UInt8](payload), qos: 1, retain: false)
        } catch {
            dropped.add(1, ordering: .relaxed)
            logger.error("cannot publish a vision result", metadata: ["camera": "\(camera)", "error": "\(error)"])
        }
    }
}
