import KitchenModel

/// Who may take which step of the closed loop. Anyone who can see an alarm may acknowledge and
/// rectify it; closing is the regulator's (or an admin's) call, never the site's own, so a site
/// cannot file away its own violation. The API refuses by it and the dashboard shows its forms by it.
public enum AlarmPermissions {
    public static func mayClose(_ role: Role) -> Bool {
        switch role {
        case .admin, .regulator: true
        case .site: false
        }
    }

    public static func mayClose(_ principal: Principal) -> Bool {
        mayClose(principal.role)
    }
}
