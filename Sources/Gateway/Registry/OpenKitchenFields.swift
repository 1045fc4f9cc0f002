import Foundation
import KitchenModel

/// The registry's open-kitchen fields of a site: `licence` (the food business licence number
/// the public page shows) and `public_cameras` (the cameras whose latest picture it shows).
enum OpenKitchenFields {
    static let maxLicenceLength = 64

    static func parse(licence: String?, publicCameras: [String]?, at: String,
                      fail: (String) -> RegistryFile.LoadError) throws -> (String?, [DeviceID]) {
        let checked = try text(licence, field: "licence", max: maxLicenceLength, at: at, fail: fail)
        var cameras: [DeviceID] = []
        for text in publicCameras ?? [] {
            guard let id = DeviceID(text) else { throw fail("\(at): public_cameras entry '\(text.prefix(64))' is not a device id") }
            guard !cameras.contains(id) else { throw fail("\(at): public_cameras lists '\(id)' twice") }
            cameras.append(id)
        }
        return (checked, cameras)
    }

    /// A market's notice-board text: trimmed, 1–`max` characters, no control characters (line
    /// breaks allowed where `multiline`).
    static func text(_ value: String?, field: String, max: Int, multiline: Bool = false, at: String,
                     fail: (String) -> RegistryFile.LoadError) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= max, !trimmed.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && !(multiline && $0 == "\n")
        }) else {
            throw fail("\(at): \(field) must be 1-\(max) characters without control characters")
        }
        return trimmed
    }

    /// `licensed_on` / `incident_on`: a real `YYYY-MM-DD` date, or absent.
    static func date(_ text: String?, field: String, at: String, fail: (String) -> RegistryFile.LoadError) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(parsing: text) else {
            throw fail("\(at): \(field) '\(text.prefix(32))' must be a date written YYYY-MM-DD")
        }
        return date
    }

    /// Every public camera is a registered camera of its own site: a typo must not silently
    /// leave the page without pictures, and a thermometer's id is no camera.
    static func checkCameras(_ registry: Registry, fail: (String) -> RegistryFile.LoadError) throws {
        for site in registry.sites.values.sorted(by: { $0.id < $1.id }) {
            for camera in site.publicCameras {
                let key = DeviceKey(site: site.id, device: camera)
                guard let device = registry.devices[key] else {
                    throw fail("site '\(site.id)': public camera '\(camera)' is not a device of this site")
                }
                guard device.kind == .camera else {
                    throw fail("site '\(site.id)': public camera '\(camera)' is a \(device.kind.rawValue), not a camera")
                }
            }
        }
    }
}
