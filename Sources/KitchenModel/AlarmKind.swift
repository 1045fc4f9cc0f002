/// Whether an alarm reports a broken or out-of-limit thing (it closes itself once the condition is
/// over) or a person's violation (it stays open until rectified and closed by the regulator).
public enum AlarmCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case equipment
    case violation
}

/// Every kind of alarm the rules can raise. Raw values are stable: they are stored with each alarm,
/// travel in pushed messages and label metrics.
public enum AlarmKind: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
    case tooWarm = "too_warm"
    case tooCold = "too_cold"
    case humidityHigh = "humidity_high"
    case offline
    case stale
    case implausibleValue = "implausible_value"
    case stuckValue = "stuck_value"
    case lowBattery = "low_battery"
    case runMissed = "run_missed"
    case runTooShort = "run_too_short"
    case temperatureNotReached = "temperature_not_reached"
    case uvLow = "uv_low"
    case lampExpired = "lamp_expired"
    case controllerFault = "controller_fault"
    /// Video-quality diagnosis (视频质量诊断), computed by the gateway from a camera's frames.
    case cameraCovered = "camera_covered"
    case cameraBlurred = "camera_blurred"
    case cameraFrozen = "camera_frozen"
    case cameraNoFrames = "camera_no_frames"
    case violation
    /// A site with staff on its ledger has no 晨检 by its opening time (docs/ledgers.md).
    case morningCheckMissed = "morning_check_missed"
    /// A dish of a served meal has no 留样 sample of ≥ 125 g by the end of the service.
    case sampleMissing = "sample_missing"
    /// A 留样 sample left its fridge before its 48 h were over.
    case sampleRemovedEarly = "sample_removed_early"
    /// A 留样 sample's fridge read outside 0–8 °C during the sample's 48 h.
    case sampleFridgeExcursion = "sample_fridge_excursion"
    /// 令60: a day, week or month ended without the food-safety officer's record (docs/ledgers.md).
    case dailyCheckMissed = "daily_check_missed"
    case weeklyReviewMissed = "weekly_review_missed"
    case monthlyMeetingMissed = "monthly_meeting_missed"

    public var category: AlarmCategory {
        self == .violation ? .violation : .equipment
    }

    public var titleZH: String {
        switch self {
        case .tooWarm: "温度过高"
        case .tooCold: "温度过低"
        case .humidityHigh: "湿度过高"
        case .offline: "设备离线"
        case .stale: "数据陈旧"
        case .implausibleValue: "读数异常"
        case .stuckValue: "读数长时间不变"
        case .lowBattery: "电量低"
        case .runMissed: "消毒未按计划运行"
        case .runTooShort: "消毒时间不足"
        case .temperatureNotReached: "消毒温度未达标"
        case .uvLow: "紫外线强度不足"
        case .lampExpired: "紫外灯超过使用寿命"
        case .controllerFault: "消毒设备故障"
        case .cameraCovered: "摄像头遮挡或黑屏"
        case .cameraBlurred: "摄像头画面模糊"
        case .cameraFrozen: "摄像头画面冻结"
        case .cameraNoFrames: "摄像头无视频画面"
        case .violation: "违规行为"
        case .morningCheckMissed: "未按时晨检"
        case .sampleMissing: "未按规定留样"
        case .sampleRemovedEarly: "留样未满48小时被取出"
        case .sampleFridgeExcursion: "留样期间冰箱温度超出0–8°C"
        case .dailyCheckMissed: "未完成日管控"
        case .weeklyReviewMissed: "未完成周排查"
        case .monthlyMeetingMissed: "未召开月调度会"
        }
    }

    public var titleEN: String {
        switch self {
        case .tooWarm: "Temperature too high"
        case .tooCold: "Temperature too low"
        case .humidityHigh: "Humidity too high"
        case .offline: "Device offline"
        case .stale: "Data stale"
        case .implausibleValue: "Implausible reading"
        case .stuckValue: "Reading stuck"
        case .lowBattery: "Low battery"
        case .runMissed: "Scheduled disinfection missed"
        case .runTooShort: "Disinfection too short"
        case .temperatureNotReached: "Disinfection temperature not reached"
        case .uvLow: "UV irradiance too low"
        case .lampExpired: "UV lamp past its rated life"
        case .controllerFault: "Disinfection controller fault"
        case .cameraCovered: "Camera covered or picture black"
        case .cameraBlurred: "Camera picture blurred"
        case .cameraFrozen: "Camera picture frozen"
        case .cameraNoFrames: "No frames from camera"
        case .violation: "Violation"
        case .morningCheckMissed: "No morning health check by opening time"
        case .sampleMissing: "Food sample missing"
        case .sampleRemovedEarly: "Food sample removed before 48 h"
        case .sampleFridgeExcursion: "Sample fridge outside 0–8 °C during retention"
        case .dailyCheckMissed: "No daily food-safety check"
        case .weeklyReviewMissed: "No weekly hazard review"
        case .monthlyMeetingMissed: "No monthly food-safety meeting"
        }
    }
}
