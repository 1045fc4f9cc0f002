import KitchenModel
import Synchronization

/// The latest picture of each camera a site has marked public (`public_cameras` in the
/// registry), for the open-kitchen page. The camera service keeps a frame here only while the
/// site is open and only when the frame raised nothing; it forgets the camera's picture when a
/// frame does raise something. The page asks again at serving time (hours, open alarms), so a
/// picture is never shown outside hours nor while it could be an open alarm's evidence.
public final class PublicPictures: Sendable {
    public struct Picture: Sendable, Equatable {
        public let jpeg: [UInt8]
        public let at: EpochMillis
    }

    private let latest = Mutex<[DeviceKey: Picture]>([:])

    public init() {}

    public func keep(_ jpeg: [UInt8], camera: DeviceKey, at: EpochMillis) {
        let picture = Picture(jpeg: jpeg, at: at)
        latest.withLock { $0[camera] = picture }
    }

    public func forget(_ camera: DeviceKey) {
        _ = latest.withLock { $0.removeValue(forKey: camera) }
    }

    public func picture(_ camera: DeviceKey) -> Picture? {
        latest.withLock { $0[camera] }
    }
}
