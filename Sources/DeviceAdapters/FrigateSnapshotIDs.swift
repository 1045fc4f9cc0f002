import KitchenModel

/// Links Frigate's snapshot topic, which names only camera and label, to the detection it
/// illustrates: the last reported detection of that label on that camera gives its id.
/// A snapshot with no reported detection yet is kept under `<label>-<receive time>`.
struct FrigateSnapshotIDs: Hashable, Sendable {
    /// Labels per camera are few; the bound stops a hostile label stream from growing the map.
    static let maxLabelsPerCamera = 64
    private var ids: [DeviceKey: [String: String]] = [:]

    init() {}

    func id(for key: DeviceKey, label: String) -> String? { ids[key]?[label] }

    mutating func remember(_ id: String?, for key: DeviceKey, label: String) {
        guard let id else { return }
        var labels = ids[key, default: [:]]
        guard labels[label] != nil || labels.count < Self.maxLabelsPerCamera else { return }
        labels[label] = id
        ids[key] = labels
    }

    mutating func forget(except keep: Set<DeviceKey>) { ids = ids.filter { keep.contains($0.key) } }

    /// Frigate ids look like `1607123955.475377-mxklsc`; snapshot ids are `a-z 0-9 - _`, 1-64.
    static func sanitize(_ raw: String) -> String {
        let mapped = raw.lowercased().utf8.prefix(64).map { b -> Character in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D ? Character(Unicode.Scalar(b)) : "-"
        }
        return mapped.isEmpty ? "snapshot" : String(mapped)
    }
}
