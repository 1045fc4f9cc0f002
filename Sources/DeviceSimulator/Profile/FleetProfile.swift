import Foundation
import KitchenModel
import Yams

/// The sites and devices to simulate, read from `devices/*.yaml`: either a fleet file that
/// lists profiles (`demo-fleet.yaml`) or one single-site profile. devices/README.md documents
/// both formats.
public struct FleetProfile: Sendable {
    /// The fleet's name when a fleet file gave one, else the profile's file name.
    public var name: String
    public var sites: [SimulatedSite]

    public init(name: String, sites: [SimulatedSite]) {
        self.name = name
        self.sites = sites
    }

    public static func load(path: String) throws -> FleetProfile {
        let text = try readText(path)
        return try parse(yaml: text, path: path)
    }

    /// Parses profile YAML; a fleet file's `profile:` entries are resolved against the folder of
    /// `path`, so pass the real path even when the text came from elsewhere.
    public static func parse(yaml: String, path: String = "profile.yaml") throws -> FleetProfile {
        let root = try compose(yaml, path: path)
        let rootKeys = UnknownKeyCheck.mappingKeys(root)
        if rootKeys.contains("sites") {
            return try parseFleet(root: root, text: yaml, path: path)
        }
        let site = try parseSiteProfile(root: root, text: yaml, path: path, override: nil)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return FleetProfile(name: name, sites: [site])
    }

    private static func parseFleet(root: Node?, text: String, path: String) throws -> FleetProfile {
        try UnknownKeyCheck.check(root, allowed: RawFleetFile.keys, at: "", path: path)
        let raw: RawFleetFile = try decode(text, path: path)
        let entries = raw.sites ?? []
        guard !entries.isEmpty else {
            throw ProfileError(path: path, location: "sites", problem: "a fleet file needs at least one site entry")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var sites: [SimulatedSite] = []
        for (index, entry) in entries.enumerated() {
            let location = "sites[\(index)]"
            try UnknownKeyCheck.check(UnknownKeyCheck.element(UnknownKeyCheck.child(root, "sites"), index),
                                      allowed: RawFleetEntry.keys, at: location, path: path)
            guard let profile = entry.profile, !profile.isEmpty else {
                throw ProfileError(path: path, location: location, problem: "missing 'profile' (e.g. school-canteen.yaml)")
            }
            let profilePath = profile.hasPrefix("/") ? profile : folder.appendingPathComponent(profile).path
            let profileText = try readText(profilePath)
            let override = RawSite(id: entry.id, name: entry.name, kind: entry.kind, region: entry.region,
                                   hours: entry.hours, timezone: entry.timezone)
            let site = try parseSiteProfile(root: try compose(profileText, path: profilePath), text: profileText,
                                            path: profilePath, override: override)
            if let clash = sites.first(where: { $0.id == site.id }) {
                throw ProfileError(path: path, location: location,
                                   problem: "site id '\(clash.id)' is used twice; give each entry its own 'id'")
            }
            sites.append(site)
        }
        let name = raw.fleet ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return FleetProfile(name: name, sites: sites)
    }

    /// One profile's site; fields the fleet entry sets win over the profile's own.
    private static func parseSiteProfile(root: Node?, text: String, path: String,
                                         override: RawSite?) throws -> SimulatedSite {
        try UnknownKeyCheck.check(root, allowed: RawSiteProfile.keys, at: "", path: path)
        try UnknownKeyCheck.check(UnknownKeyCheck.child(root, "site"), allowed: RawSite.keys, at: "site", path: path)
        let raw: RawSiteProfile = try decode(text, path: path)
        let own = raw.site ?? RawSite()
        let merged = RawSite(id: override?.id ?? own.id, name: override?.name ?? own.name,
                             kind: override?.kind ?? own.kind, region: override?.region ?? own.region,
                             hours: override?.hours ?? own.hours, timezone: override?.timezone ?? own.timezone)
        var devices: [DeviceProfile] = []
        let devicesNode = UnknownKeyCheck.child(root, "devices")
        for (index, rawDevice) in (raw.devices ?? []).enumerated() {
            let location = "devices[\(index)]" + (rawDevice.id.map { " (\($0))" } ?? "")
            let node = UnknownKeyCheck.element(devicesNode, index)
            try UnknownKeyCheck.check(node, allowed: RawDevice.keys(for: rawDevice.kind), at: location, path: path)
            for (i, _) in (rawDevice.detections ?? []).enumerated() {
                try UnknownKeyCheck.check(UnknownKeyCheck.element(UnknownKeyCheck.child(node, "detections"), i),
                                          allowed: RawDetection.keys, at: "\(location).detections[\(i)]", path: path)
            }
            for (i, _) in (rawDevice.items ?? []).enumerated() {
                try UnknownKeyCheck.check(UnknownKeyCheck.element(UnknownKeyCheck.child(node, "items"), i),
                                          allowed: RawItem.keys, at: "\(location).items[\(i)]", path: path)
            }
            for (i, _) in (rawDevice.workers ?? []).enumerated() {
                try UnknownKeyCheck.check(UnknownKeyCheck.element(UnknownKeyCheck.child(node, "workers"), i),
                                          allowed: RawCheckedWorker.keys, at: "\(location).workers[\(i)]", path: path)
            }
            for (i, _) in (rawDevice.meals ?? []).enumerated() {
                try UnknownKeyCheck.check(UnknownKeyCheck.element(UnknownKeyCheck.child(node, "meals"), i),
                                          allowed: RawSampledMeal.keys, at: "\(location).meals[\(i)]", path: path)
            }
            let device = try DeviceProfileReader(path: path, location: location).read(rawDevice)
            if devices.contains(where: { $0.id == device.id }) {
                throw ProfileError(path: path, location: location, problem: "device id '\(device.id)' is used twice")
            }
            devices.append(device)
        }
        guard !devices.isEmpty else {
            throw ProfileError(path: path, location: "devices", problem: "a site profile needs at least one device")
        }
        return try site(merged, devices: devices, path: path)
    }

    private static func site(_ raw: RawSite, devices: [DeviceProfile], path: String) throws -> SimulatedSite {
        func fail(_ field: String, _ problem: String) -> ProfileError {
            ProfileError(path: path, location: "site.\(field)", problem: problem)
        }
        guard let idText = raw.id, let id = SiteID(idText), !idText.hasPrefix("_") else {
            throw fail("id", "'\(raw.id ?? "")' must be 1-64 characters of a-z 0-9 - _ (not starting with _)")
        }
        guard let kindText = raw.kind, let kind = SiteKind(rawValue: kindText) else {
            throw fail("kind", "'\(raw.kind ?? "")' must be one of " + SiteKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let regionText = raw.region, let region = RegionCode(regionText) else {
            throw fail("region", "'\(raw.region ?? "")' must be a 6-digit division code such as \"420106\" (quote it)")
        }
        do {
            return try SimulatedSite(id: id, name: raw.name ?? idText, kind: kind, region: region,
                                     hoursText: raw.hours ?? "00:00-24:00", timeZoneName: raw.timezone, devices: devices)
        } catch {
            throw fail("hours", "\(error)")
        }
    }

    private static func readText(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ProfileError(path: path, location: "", problem: "cannot read the file (\(error.localizedDescription))")
        }
    }

    private static func compose(_ text: String, path: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch {
            throw ProfileError(path: path, location: "", problem: "not valid YAML: \(error)")
        }
    }

    private static func decode<T: Decodable>(_ text: String, path: String) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let error as DecodingError {
            throw ProfileError(path: path, location: describe(error).location, problem: describe(error).problem)
        } catch {
            throw ProfileError(path: path, location: "", problem: "not valid YAML: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> (location: String, problem: String) {
        func where_(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (where_(context), "expected \(type) (\(context.debugDescription))")
        case .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            return (where_(context), context.debugDescription)
        @unknown default:
            return ("", "\(error)")
        }
    }
}
