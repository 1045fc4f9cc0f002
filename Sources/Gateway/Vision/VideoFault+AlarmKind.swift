import CameraVision
import KitchenModel
import KitchenRules

extension VideoFault {
    /// The equipment alarm each diagnosis raises.
    var alarmKind: AlarmKind {
        switch self {
        case .coveredOrBlack: .cameraCovered
        case .blurred: .cameraBlurred
        case .frozen: .cameraFrozen
        case .noFrames: .cameraNoFrames
        }
    }
}
