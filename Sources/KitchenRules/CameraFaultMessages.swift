import KitchenModel

/// Sentences for the video-quality equipment faults. The gateway measures (CameraVision); the
/// wording, and what the site should go and check, belongs with the other alarm texts.
public enum CameraFaultMessages {
    /// The camera faults, in the order a site screen lists them.
    public static let kinds: [AlarmKind] = [.cameraCovered, .cameraBlurred, .cameraFrozen, .cameraNoFrames]

    /// The detail of a raise (`active`) or clear signal. `measured` is the diagnosis' own account
    /// (luminance, sharpness against the camera's baseline, frames unchanged, seconds silent).
    public static func detail(_ kind: AlarmKind, camera: DeviceKey, active: Bool, measured: String,
                              since: EpochMillis? = nil) -> AlarmDetail {
        let name = camera.device.rawValue
        guard active else {
            return AlarmDetail(since: since, message: "摄像头 \(name)：\(kind.titleZH)已恢复（\(measured)）",
                               messageEN: "Camera \(name): \(kind.titleEN.lowercased()) is over (\(measured)).")
        }
        return AlarmDetail(since: since, message: "摄像头 \(name)：\(kind.titleZH)，\(actionZH(kind))（测量：\(measured)）",
                           messageEN: "Camera \(name): \(kind.titleEN.lowercased()); \(actionEN(kind)) (\(measured)).")
    }

    static func actionZH(_ kind: AlarmKind) -> String {
        switch kind {
        case .cameraCovered: "请检查镜头是否被遮挡、补光灯和供电是否正常"
        case .cameraBlurred: "请清洁镜头、检查是否起雾或焦距被移动"
        case .cameraFrozen: "请检查摄像头视频流，必要时重启摄像头"
        case .cameraNoFrames: "请检查摄像头网络和供电，必要时重启摄像头"
        default: "请检查设备"
        }
    }

    static func actionEN(_ kind: AlarmKind) -> String {
        switch kind {
        case .cameraCovered: "check that nothing covers the lens and that its lighting and power work"
        case .cameraBlurred: "clean the lens and check for fog or a moved focus"
        case .cameraFrozen: "check the video stream and restart the camera if needed"
        case .cameraNoFrames: "check the camera's network and power and restart it if needed"
        default: "check the device"
        }
    }
}
