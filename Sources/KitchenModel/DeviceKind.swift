/// The four device classes of protocol v1.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case thermo
    case disinfector
    case scale
    case camera
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
