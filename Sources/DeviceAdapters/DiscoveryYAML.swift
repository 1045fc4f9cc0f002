import KitchenModel

/// Writes discovered devices as registry `devices:` entries in the shape
/// docs/third-party-devices.md describes, each under a comment with its family and last readings.
/// Everything a broker cannot tell (site, zone, report period, Frigate's detect size) is a guess
/// the comment says to check.
public enum DiscoveryYAML {
    /// Stands in for the site when none was given; the registry refuses it until replaced.
    public static let sitePlaceholder = "SITE"

    public static func render(_ devices: [DiscoveredDevice], site: String?) -> String {
        var lines = ["devices:"]
        var used: Set<String> = []
        for device in devices {
            let entry = entry(device, site: site, used: &used)
            lines.append("  # " + comment(device))
            lines.append("  - " + entry)
        }
        if devices.isEmpty { lines.append("  []  # nothing recognised; check the broker address and that devices publish") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func entry(_ device: DiscoveredDevice, site: String?, used: inout Set<String>) -> String {
        switch device.origin {
        case .native(let nativeSite, let id):
            used.insert(id)
            var fields = ["id: \(id)", "site: \(nativeSite)", "kind: \(device.kind.rawValue)", "zone: \(zone(device).rawValue)"]
            if let interval = device.intervalSeconds { fields.append("interval_s: \(interval)") }
            return "{" + fields.joined(separator: ", ") + "}"
        case .thirdParty(let family, let sourceID, let instance, let sensor, let probe, let plug):
            let id = uniqueID(sourceID, suffix: sensor ?? probe.map { "probe-" + $0.suffix(4).lowercased() }
                ?? (plug ? "plug" : nil), used: &used)
            var source = ["family: \(family.rawValue)", "id: \(quoted(sourceID))"]
            if let instance, instance != DeviceSource.defaultFrigateInstance { source.append("instance: \(quoted(instance))") }
            if let sensor { source.append("sensor: \(quoted(sensor))") }
            if let probe { source.append("probe: \(quoted(probe))") }
            if plug {
                // Half the draw seen separates a lit lamp from a switched-on plug with a dead tube.
                let runWatts = device.watts.map { max(1, ($0 / 2).rounded()) } ?? 15
                source.append("plug: {run_w: \(format(runWatts))}")
            }
            if family == .frigate { source.append("detect: {width: 1280, height: 720}") }
            let fields = ["id: \(id)", "site: \(site ?? sitePlaceholder)", "kind: \(device.kind.rawValue)",
                          "zone: \(zone(device).rawValue)", "interval_s: \(interval(family))",
                          "source: {" + source.joined(separator: ", ") + "}"]
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    private static func comment(_ device: DiscoveredDevice) -> String {
        var text: String
        switch device.origin {
        case .native: text = "native (protocol v1)"
        case .thirdParty(let family, let sourceID, let instance, let sensor, let probe, _):
            text = family.rawValue + " '" + (instance.map { $0 + "/" } ?? "") + sourceID + "'"
            if let sensor { text += " \(family == .shelly ? "component" : "sensor") \(sensor)" }
            if let probe { text += " probe \(probe)" }
            if family == .frigate { text += "; copy detect width/height from Frigate's cameras.\(sourceID).detect" }
        }
        let readings = device.readings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !readings.isEmpty { text += ": " + readings.joined(separator: ", ") }
        if let online = device.online { text += online ? "; online" : "; offline" }
        return text + " (\(device.messages) message\(device.messages == 1 ? "" : "s"))"
    }

    /// A guess from the last temperature; a thermometer with none yet is left ambient.
    static func zone(_ device: DiscoveredDevice) -> Zone {
        guard device.kind == .thermo, let celsius = device.celsius else { return .ambient }
        if celsius <= -5 { return .freezer }
        if celsius <= 10 { return .cold }
        if celsius >= 50 { return .hot }
        return .ambient
    }

    /// Default report periods: Tasmota's TelePeriod is 300 s; zigbee and Shelly battery sensors
    /// report on change and at least hourly; a camera speaks only when it sees something.
    static func interval(_ family: DeviceSource.Family) -> Int {
        switch family {
        case .tasmota: 300
        case .zigbee2mqtt, .shelly: 3_600
        case .frigate: 86_400
        // Heartbeats (ISAPI) and keepalives (GA/T 1400) come every minute or so.
        case .isapi, .gat1400: 300
        }
    }

    /// A registry id (a-z 0-9 - _, at most 64) made from the source's name.
    static func uniqueID(_ sourceID: String, suffix: String?, used: inout Set<String>) -> String {
        let text = suffix.map { sourceID + "-" + $0 } ?? sourceID
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            if keep { slug.unicodeScalars.append(scalar) } else if !slug.isEmpty, !slug.hasSuffix("-") { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        while slug.hasPrefix("_") { slug.removeFirst() }
        var id = String((slug.isEmpty ? "device" : slug).prefix(56))
        if used.contains(id) {
            var n = 2
            while used.contains("\(id)-\(n)") { n += 1 }
            id = "\(id)-\(n)"
        }
        used.insert(id)
        return id
    }

    /// Plain when YAML surely reads it back as the same string, else double-quoted.
    static func quoted(_ text: String) -> String {
        // Starting with a letter keeps YAML from reading numbers, dates or hex; the word list are booleans.
        let plain = text.unicodeScalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } == true
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        guard !plain else { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
