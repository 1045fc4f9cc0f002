/// Where an alarm stands in the closed loop (issue 3, "Lifecycle").
public enum AlarmState: String, Sendable, Hashable, Codable, CaseIterable {
    case raised, acknowledged, rectified, closed
}

/// The escalation card of an unrectified class-1 alarm (DOMAIN.md: yellow after 5 days, red
/// after 10, which triggers offline supervision).
public enum Card: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case none, yellow, red

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
