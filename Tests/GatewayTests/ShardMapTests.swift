import Gateway
import KitchenModel
import Testing

/// Which shard a site belongs to (docs/scale-out.md, "Shards and leases").
@Suite struct ShardMapTests {
    static let yaml = """
        sites:
          - {id: canteen-01, name: A, kind: canteen, region: "420106"}
          - {id: canteen-02, name: B, kind: canteen, region: "420106-03"}
          - {id: canteen-03, name: C, kind: canteen, region: "420111"}
          - {id: canteen-04, name: D, kind: canteen, region: "420111", shard: big-kitchens}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
          - {id: fridge-1, site: canteen-02, kind: thermo, zone: cold}
          - {id: fridge-1, site: canteen-03, kind: thermo, zone: cold}
          - {id: cam-1, site: canteen-04, kind: camera}
        """

    @Test func sitesGoToTheirCountyUnlessTheRegistrySaysOtherwise() throws {
        let registry = try RegistryFile.parse(yaml: Self.yaml)
        let shards = ShardMap.shards(of: registry)
        #expect(shards == [
            "420106": [SiteID("canteen-01")!, SiteID("canteen-02")!],  // a station stays in its county
            "420111": [SiteID("canteen-03")!],
            "big-kitchens": [SiteID("canteen-04")!],
        ])
        let county = try ShardMap.restrict(registry, to: "420106")
        #expect(Set(county.sites.keys) == [SiteID("canteen-01")!, SiteID("canteen-02")!])
        #expect(Set(county.devices.keys.map(\.site)) == [SiteID("canteen-01")!, SiteID("canteen-02")!])
        let own = try ShardMap.restrict(registry, to: "big-kitchens")
        #expect(own.devices.keys.map(\.device) == [DeviceID("cam-1")!])
        #expect(try ShardMap.restrict(registry, to: "nowhere").sites.isEmpty)
        #expect(ShardMap.clientID(of: "420106") == "brightkitchen-shard-420106")
        #expect(ShardMap.topicFilters(of: SiteID("canteen-01")!) == ["bk/v1/canteen-01/+/+": 1, "bk/v1/canteen-01/+/snapshot/+": 0])
    }

    @Test func aShardNameThatCannotNameASessionIsRefused() {
        for bad in ["", "Big", "a/b", "a+b", "#", String(repeating: "x", count: 33), "东湖"] {
            let yaml = """
                sites:
                  - {id: canteen-01, name: A, kind: canteen, region: "420106", shard: "\(bad)"}
                """
            #expect(throws: RegistryFile.LoadError.self, "\(bad)") { try RegistryFile.parse(yaml: yaml) }
        }
        let error = #expect(throws: RegistryFile.LoadError.self) {
            try RegistryFile.parse(yaml: "sites:\n  - {id: canteen-01, name: A, kind: canteen, region: \"420106\", shard: \"a/b\"}")
        }
        #expect(error?.description.contains("shard 'a/b' must be 1-32 characters of a-z 0-9 - _") == true)
    }
}
