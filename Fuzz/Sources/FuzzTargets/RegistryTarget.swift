import Gateway
import KitchenModel

/// `RegistryFile.parse`, which reads the operator's registry YAML at every start and every
/// reload (a file anyone with write access to the config directory can change), on arbitrary
/// bytes: Yams, the raw shapes, ids, zones, schedules, stalls, third-party `source:` bindings.
///
/// Invariants for a file that loads: every device is on a listed site, the site index agrees
/// with the devices, the source bindings a reload derives cannot conflict (the loader refuses
/// such files), and loading the same text again gives the same sites and devices.
public enum RegistryTarget {
    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let yaml = String(decoding: input, as: UTF8.self)
        guard let registry = try? RegistryFile.parse(yaml: yaml, path: "fuzz.yaml") else { return }
        for key in registry.devices.keys {
            try require(registry.sites[key.site] != nil, "device \(key) loaded on an unlisted site")
            try require(registry.devicesBySite[key.site]?.contains(key) == true, "device \(key) missing from its site's index")
        }
        try require(registry.devicesBySite.values.reduce(0) { $0 + $1.count } == registry.devices.count,
                    "the site index holds \(registry.devicesBySite.values.reduce(0) { $0 + $1.count }) devices, the registry \(registry.devices.count)")
        do {
            _ = try RegistryFile.sourceBindings(registry)
        } catch {
            throw FuzzFailure(description: "invariant broken: a loaded registry has conflicting bindings: \(error)")
        }
        guard let again = try? RegistryFile.parse(yaml: yaml, path: "fuzz.yaml") else {
            throw FuzzFailure(description: "invariant broken: the same registry text loaded once, then failed")
        }
        try require(Set(again.sites.keys) == Set(registry.sites.keys) && Set(again.devices.keys) == Set(registry.devices.keys),
                    "the same registry text loaded differently")
    }
}
