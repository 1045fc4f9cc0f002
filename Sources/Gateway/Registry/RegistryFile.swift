import Foundation
import KitchenModel
import Yams

/// Loads sites and devices from the registry YAML file:
///
/// ```yaml
/// sites:
///   - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "06:00-20:00"}
/// devices:
///   - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 60}
///   - {id: fridge-2, site: canteen-01, kind: thermo, zone: cold, interval_s: 300,
///      source: {family: tasmota, id: kitchen-th1}}
/// ```
///
/// `source:` binds a registry device to a third-party device (`RegistrySource.swift`,
/// docs/third-party-devices.md).
public enum RegistryFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    private struct RawFile: Decodable {
        var sites: [RawSite]?
        var devices: [RawDevice]?
    }

    private struct RawSite: Decodable {
        var id: String?
        var name: String?
        var kind: String?
        var region: String?
        var hours: String?
        var timezone: String?
        var stalls: [RawStall]?
        var licence: String?
        var public_cameras: [String]?
        var licensed_on: String?
        var incident_on: String?
        var complaints_phone: String?
        var managers: [String]?
        var notice: String?
        var shard: String?
    }

    private struct RawStall: Decodable {
        var id: String?
        var vendor: String?
    }

    private struct RawDevice: Decodable {
        var id: String?
        var site: String?
        var kind: String?
        var zone: String?
        var interval_s: Int?
        var schedule: RawSchedule?
        var stall: String?
        var source: RawSource?
        var snapshot: RawCameraHTTP?
        var speaker: RawCameraHTTP?
    }

    private struct RawSchedule: Decodable {
        var mode: String?
        var times: String?
        var before_service: Int?
        var after_service: Int?
        var run_min: Int?
    }

    public static func load(path: String) throws -> Registry {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(path: path, problem: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, path: path)
    }

    public static func parse(yaml: String, path: String = "registry") throws -> Registry {
        func fail(_ problem: String) -> LoadError { LoadError(path: path, problem: problem) }
        let raw: RawFile
        do {
            raw = try YAMLDecoder().decode(RawFile.self, from: yaml)
        } catch let error as DecodingError {
            throw fail(describe(error))
        } catch {
            throw fail("not valid YAML: \(error)")
        }
        var sites: [SiteConfig] = []
        for (i, s) in (raw.sites ?? []).enumerated() {
            let at = "sites[\(i)]"
            guard let idText = s.id, let id = SiteID(idText), !idText.hasPrefix("_") else {
                throw fail("\(at).id '\(s.id ?? "")' must be 1-64 characters of a-z 0-9 - _ (not starting with _)")
            }
            guard let kindText = s.kind, let kind = SiteKind(rawValue: kindText) else {
                throw fail("\(at) (\(id)): kind '\(s.kind ?? "")' must be one of "
                    + SiteKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let regionText = s.region, let region = RegionCode(regionText) else {
                throw fail("\(at) (\(id)): region '\(s.region ?? "")' must be a 6-digit division code, e.g. 420106 or 420106-03")
            }
            var hours = OperatingHours.always
            if s.hours != nil || s.timezone != nil {
                do {
                    hours = try OperatingHours(parsing: s.hours ?? "00:00-24:00", timeZone: s.timezone)
                } catch {
                    throw fail("\(at) (\(id)): \(error)")
                }
            }
            let stalls = try parseStalls(s.stalls ?? [], at: "\(at) (\(id))", kind: kind, fail: fail)
            let (licence, publicCameras) = try OpenKitchenFields.parse(licence: s.licence, publicCameras: s.public_cameras,
                                                                       at: "\(at) (\(id))", fail: fail)
            var site = SiteConfig(id: id, name: s.name ?? idText, kind: kind, region: region, hours: hours,
                                  stalls: stalls, licence: licence, publicCameras: publicCameras,
                                  shard: try ShardMap.parseOverride(s.shard, at: "\(at) (\(id))", fail: fail))
            site.licensedOn = try OpenKitchenFields.date(s.licensed_on, field: "licensed_on", at: "\(at) (\(id))", fail: fail)
            site.incidentOn = try OpenKitchenFields.date(s.incident_on, field: "incident_on", at: "\(at) (\(id))", fail: fail)
            site.complaintsPhone = try OpenKitchenFields.text(s.complaints_phone, field: "complaints_phone", max: 32,
                                                              at: "\(at) (\(id))", fail: fail)
            site.managers = try (s.managers ?? []).map {
                try OpenKitchenFields.text($0, field: "managers", max: 32, at: "\(at) (\(id))", fail: fail)!
            }
            site.notice = try OpenKitchenFields.text(s.notice, field: "notice", max: 2_000, multiline: true, at: "\(at) (\(id))",
                                                     fail: fail)
            sites.append(site)
        }
        var devices: [DeviceConfig] = []
        for (i, d) in (raw.devices ?? []).enumerated() {
            let at = "devices[\(i)]"
            guard let idText = d.id, let id = DeviceID(idText), !idText.hasPrefix("_") else {
                throw fail("\(at).id '\(d.id ?? "")' must be 1-64 characters of a-z 0-9 - _ (not starting with _)")
            }
            guard let siteText = d.site, let site = SiteID(siteText) else {
                throw fail("\(at) (\(idText)): site '\(d.site ?? "")' is missing or not a valid site id")
            }
            guard let kindText = d.kind, let kind = DeviceKind(rawValue: kindText) else {
                throw fail("\(at) (\(idText)): kind '\(d.kind ?? "")' must be one of "
                    + DeviceKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let zone: Zone
            if let zoneText = d.zone {
                guard let z = Zone(rawValue: zoneText) else {
                    throw fail("\(at) (\(idText)): zone '\(zoneText)' must be one of "
                        + Zone.allCases.map(\.rawValue).joined(separator: ", "))
                }
                zone = z
            } else {
                zone = kind == .sampler ? .sample : .ambient
            }
            let interval = d.interval_s ?? 60
            guard (1...86_400).contains(interval) else {
                throw fail("\(at) (\(idText)): interval_s \(interval) must be between 1 and 86400")
            }
            var schedule: ScheduleSpec?
            if let raw = d.schedule {
                guard kind == .disinfector else { throw fail("\(at) (\(idText)): only disinfectors take a schedule") }
                schedule = try parseSchedule(raw, at: "\(at) (\(idText)).schedule", fail: fail)
            }
            if let stall = d.stall {
                guard kind == .scale else { throw fail("\(at) (\(idText)): only scales stand at a stall") }
                if let market = sites.first(where: { $0.id == site }), !market.stalls.isEmpty, market.stall(stall) == nil {
                    throw fail("\(at) (\(idText)): stall '\(stall)' is not among site '\(site)''s stalls")
                }
            }
            var source: DeviceSource?
            if let raw = d.source {
                do {
                    source = try raw.deviceSource()
                } catch {
                    throw fail("\(at) (\(idText)).\(error)")
                }
                if let source, source.kind != kind {
                    let what = source.plug == nil ? "a \(source.family.rawValue) source" : "a tasmota plug"
                    throw fail("\(at) (\(idText)): kind is \(kind.rawValue), but \(what) feeds a \(source.kind.rawValue)")
                }
            }
            let cameraHTTP: CameraHTTPAccess?
            do {
                cameraHTTP = try CameraHTTPFields.parse(snapshot: d.snapshot, speaker: d.speaker, kind: kind)
            } catch {
                throw fail("\(at) (\(idText)).\(error.field): \(error.problem)")
            }
            devices.append(DeviceConfig(key: DeviceKey(site: site, device: id), kind: kind, zone: zone,
                                        intervalSeconds: interval, schedule: schedule, stall: d.stall, source: source,
                                        cameraHTTP: cameraHTTP))
        }
        let registry: Registry
        do {
            registry = try Registry(sites: sites, devices: devices)
        } catch {
            throw fail("\(error)")
        }
        do {
            _ = try sourceBindings(registry)
        } catch {
            throw fail("devices: \(error)")
        }
        try OpenKitchenFields.checkCameras(registry, fail: fail)
        return registry
    }

    /// `stalls: [{id: A12, vendor: 王建国}]`, markets only; ids are what scales put in `stall`.
    private static func parseStalls(_ raw: [RawStall], at: String, kind: SiteKind,
                                    fail: (String) -> LoadError) throws -> [Stall] {
        guard raw.isEmpty || kind == .market else { throw fail("\(at): only markets have stalls") }
        var stalls: [Stall] = []
        for (i, s) in raw.enumerated() {
            guard let id = s.id, !id.isEmpty, id.count <= 16 else {
                throw fail("\(at).stalls[\(i)]: id '\(s.id ?? "")' must be 1-16 characters, e.g. A12")
            }
            guard !stalls.contains(where: { $0.id == id }) else { throw fail("\(at).stalls[\(i)]: stall '\(id)' is listed twice") }
            guard let vendor = s.vendor, !vendor.isEmpty else { throw fail("\(at).stalls[\(i)] (\(id)): vendor is missing") }
            stalls.append(Stall(id: id, vendor: vendor))
        }
        return stalls
    }

    /// `{mode: uv, times: "06:00,10:30", run_min: 30}`, or `before_service: 30` / `after_service: 10`
    /// (minutes) instead of `times`.
    private static func parseSchedule(_ raw: RawSchedule, at: String, fail: (String) -> LoadError) throws -> ScheduleSpec {
        guard let modeText = raw.mode, let mode = DisinfectionMode(rawValue: modeText) else {
            throw fail("\(at): mode '\(raw.mode ?? "")' must be one of "
                + DisinfectionMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let runMinutes = raw.run_min ?? 30
        guard (1...1_440).contains(runMinutes) else { throw fail("\(at): run_min \(runMinutes) must be 1-1440") }
        let timings = [raw.times != nil, raw.before_service != nil, raw.after_service != nil].filter { $0 }.count
        guard timings == 1 else { throw fail("\(at): give exactly one of times, before_service, after_service") }
        if let times = raw.times {
            let list = times.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !list.isEmpty, list.allSatisfy({ (try? OperatingHours(parsing: "\($0)-23:59")) != nil || $0 == "23:59" })
            else { throw fail("\(at): times '\(times)' must be HH:MM, comma separated") }
            return ScheduleSpec(mode: mode, timing: .times(list), runMinutes: runMinutes)
        }
        if let lead = raw.before_service {
            guard (0...720).contains(lead) else { throw fail("\(at): before_service \(lead) must be 0-720 minutes") }
            return ScheduleSpec(mode: mode, timing: .beforeService(minutes: lead), runMinutes: runMinutes)
        }
        let lag = raw.after_service ?? 0
        guard (0...720).contains(lag) else { throw fail("\(at): after_service \(lag) must be 0-720 minutes") }
        return ScheduleSpec(mode: mode, timing: .afterService(minutes: lag), runMinutes: runMinutes)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type) (\(context.debugDescription))"
        case .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
