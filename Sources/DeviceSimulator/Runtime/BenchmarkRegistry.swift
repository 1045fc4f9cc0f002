/// The registry the ingest benchmarks run against: `sites` canteens in 17 Wuhan districts and
/// `devices` cold-room thermometers spread round-robin over them, in `RegistryFile`'s format.
public enum BenchmarkRegistry {
    public static func thermometers(sites: Int, devices: Int) -> String {
        var yaml = "sites:\n"
        for s in 0..<sites {
            yaml += "  - {id: site-\(s), name: Site \(s), kind: canteen, region: \"\(420101 + s % 17)\"}\n"
        }
        yaml += "devices:\n"
        for d in 0..<devices {
            yaml += "  - {id: t-\(d), site: site-\(d % sites), kind: thermo, zone: cold, interval_s: 60}\n"
        }
        return yaml
    }
}
