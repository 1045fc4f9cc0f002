import Gateway
import KitchenModel
import Testing

/// Issue 19: a site's `licence` and `public_cameras` in the registry.
@Suite struct OpenKitchenRegistryTests {
    @Test func readsTheLicenceAndThePublicCamerasInOrder() throws {
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", licence: " JY14201060012345 ",
                 public_cameras: [cam-2, cam-1]}
              - {id: canteen-02, name: 食堂二, kind: canteen, region: "420106"}
            devices:
              - {id: cam-1, site: canteen-01, kind: camera}
              - {id: cam-2, site: canteen-01, kind: camera}
            """)
        let site = try #require(registry.site(SiteID("canteen-01")!))
        #expect(site.licence == "JY14201060012345")
        #expect(site.publicCameras == [DeviceID("cam-2")!, DeviceID("cam-1")!])
        let plain = try #require(registry.site(SiteID("canteen-02")!))
        #expect(plain.licence == nil && plain.publicCameras.isEmpty)
    }

    @Test(arguments: [
        ("licence: ''", "licence must be 1-64 characters"),
        ("licence: \"\(String(repeating: "号", count: 65))\"", "licence must be 1-64 characters"),
        ("licence: \"JY\\u0007\"", "without control characters"),
        ("public_cameras: [Cam]", "'Cam' is not a device id"),
        ("public_cameras: [cam-1, cam-1]", "lists 'cam-1' twice"),
        ("public_cameras: [cam-7]", "public camera 'cam-7' is not a device of this site"),
        ("public_cameras: [fridge-1]", "public camera 'fridge-1' is a thermo, not a camera"),
        ("public_cameras: [cam-9]", "public camera 'cam-9' is not a device of this site"),
    ])
    func refusesWhatThePageCouldNotShow(_ field: String, _ message: String) {
        let yaml = """
            sites:
              - {id: a, kind: canteen, region: "420106", \(field)}
              - {id: b, kind: canteen, region: "430102"}
            devices:
              - {id: cam-1, site: a, kind: camera}
              - {id: fridge-1, site: a, kind: thermo, zone: cold}
              - {id: cam-9, site: b, kind: camera}
            """
        #expect {
            try RegistryFile.parse(yaml: yaml)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
