import KitchenModel
import Testing

@Suite struct IdentifierTests {
    @Test(arguments: ["canteen-01", "a", "fridge_2", String(repeating: "x", count: 64)])
    func acceptsTopicSafeIDs(_ raw: String) {
        #expect(SiteID(raw)?.rawValue == raw)
        #expect(DeviceID(raw)?.rawValue == raw)
    }

    @Test(arguments: ["", "Canteen", "a/b", "a+b", "#", "a b", "é", String(repeating: "x", count: 65), "a.b"])
    func refusesAnythingThatCouldBreakATopic(_ raw: String) {
        #expect(SiteID(raw) == nil)
        #expect(DeviceID(raw) == nil)
    }
}

@Suite struct RegionCodeTests {
    @Test func splitsDivisionLevels() throws {
        let code = try #require(RegionCode("420106"))
        #expect(code.province == "42")
        #expect(code.city == "4201")
        #expect(code.county == "420106")
        #expect(code.station == nil)
    }

    @Test func keepsStationSuffix() throws {
        let code = try #require(RegionCode("420106-03"))
        #expect(code.station == "03")
        #expect(code.description == "420106-03")
        #expect(code.isWithin(scope: "4201"))
        #expect(code.isWithin(scope: "420106-03"))
        #expect(!code.isWithin(scope: "420106-04"))
    }

    @Test(arguments: ["4201", "4201066", "42010a", "", "420106-", "420106-A"])
    func refusesMalformedCodes(_ raw: String) {
        #expect(RegionCode(raw) == nil)
    }

    @Test func scopesByPrefix() throws {
        let wuchang = try #require(RegionCode("420106"))
        #expect(wuchang.isWithin(scope: "42"))
        #expect(wuchang.isWithin(scope: "4201"))
        #expect(!wuchang.isWithin(scope: "4202"))
        #expect(!wuchang.isWithin(scope: "43"))
    }
}

@Suite struct AccessTests {
    let wuchang = RegionCode("420106")!
    let site = SiteID("canteen-01")!

    @Test func regulatorSeesOnlyItsRegion() {
        let wuhan = Principal(role: .regulator, scope: "4201")
        #expect(wuhan.canSee(site: site, region: wuchang))
        #expect(!Principal(role: .regulator, scope: "4202").canSee(site: site, region: wuchang))
    }

    @Test func siteTokenSeesOneSite() {
        let principal = Principal(role: .site, scope: "canteen-01")
        #expect(principal.canSee(site: site, region: wuchang))
        #expect(!principal.canSee(site: SiteID("canteen-02")!, region: wuchang))
        #expect(!principal.canSee(regionPrefix: "42"))
    }

    @Test func validatesScopes() {
        #expect(throws: Principal.ScopeError.scopeNotAllowed) { try Principal.validate(role: .admin, scope: "42") }
        #expect(throws: Principal.ScopeError.scopeRequired(.regulator)) {
            try Principal.validate(role: .regulator, scope: nil)
        }
        #expect(throws: Principal.ScopeError.badRegionScope("421")) {
            try Principal.validate(role: .regulator, scope: "421")
        }
        #expect(throws: Principal.ScopeError.badSiteScope("A/B")) { try Principal.validate(role: .site, scope: "A/B") }
        #expect(throws: Never.self) { try Principal.validate(role: .regulator, scope: "420106-03") }
    }
}
