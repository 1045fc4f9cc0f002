import Gateway
import KitchenModel
import Testing

@Suite struct RegistryStallTests {
    static let market = "sites: [{id: m, kind: market, region: '420111', stalls: [{id: A12, vendor: 王建国}, {id: B03, vendor: 李秀英}]}]"

    @Test func marketsListStallsAndScalesStandAtOne() throws {
        let registry = try RegistryFile.parse(yaml: Self.market + "\ndevices: [{id: s, site: m, kind: scale, stall: B03}]")
        let site = try #require(registry.site(SiteID("m")!))
        #expect(site.stalls == [Stall(id: "A12", vendor: "王建国"), Stall(id: "B03", vendor: "李秀英")])
        #expect(site.stall("B03")?.vendor == "李秀英")
        #expect(registry.devices[DeviceKey(site: SiteID("m")!, device: DeviceID("s")!)]?.stall == "B03")
    }

    @Test(arguments: [
        (market + "\ndevices: [{id: s, site: m, kind: scale, stall: Z99}]", "stall 'Z99' is not among site 'm''s stalls"),
        (market + "\ndevices: [{id: t, site: m, kind: thermo, stall: A12}]", "only scales stand at a stall"),
        ("sites: [{id: c, kind: canteen, region: '420106', stalls: [{id: A1, vendor: x}]}]", "only markets have stalls"),
        ("sites: [{id: m, kind: market, region: '420111', stalls: [{id: A1, vendor: x}, {id: A1, vendor: y}]}]",
         "stall 'A1' is listed twice"),
        ("sites: [{id: m, kind: market, region: '420111', stalls: [{id: A1}]}]", "vendor is missing"),
        ("sites: [{id: m, kind: market, region: '420111', stalls: [{id: '', vendor: x}]}]", "must be 1-16 characters"),
    ])
    func explainsBadStalls(yaml: String, expected: String) {
        do {
            _ = try RegistryFile.parse(yaml: yaml, path: "r.yaml")
            Issue.record("expected an error mentioning \(expected)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
