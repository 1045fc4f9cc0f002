/// The device classes of protocol v1 (`checker`, the 晨检仪, joined the first four later).
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case thermo
    case disinfector
    case scale
    case camera
    /// Smart 晨检仪 (morning-check terminal): publishes `check` events.
    case checker
    /// Smart 留样柜 (sample-retention fridge): publishes `sample` and `door` events; its telemetry
    /// is its fridge's temperature, decoded and judged like a thermometer's.
    case sampler
}

/// Where a thermometer hangs decides which limits apply to it (see DOMAIN.md).
public enum Zone: String, Sendable, Codable, CaseIterable {
    case cold
    case freezer
    case hot
    case sample
    case dry
    /// Rooms and devices with no temperature limit of their own (cameras, scales, UV rooms).
    case ambient
}

public enum SiteKind: String, Sendable, Codable, CaseIterable {
    case canteen
    case restaurant
    case centralKitchen = "central_kitchen"
    case elderlyCare = "elderly_care"
    case hospital
    case market
}
