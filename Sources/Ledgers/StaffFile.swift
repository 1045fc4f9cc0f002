import KitchenModel
import Yams

/// The `staff:` lists of the registry YAML (the registry loader ignores them; this reads only them):
///
/// ```yaml
/// sites:
///   - id: canteen-01
///     name: 第一中学食堂
///     staff:
///       - {id: w-001, name: 王芳, role: cook, cert_no: "420106-2026-0001", cert_expiry: "2027-03-31"}
/// ```
public enum StaffFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let problem: String
        public var description: String { "registry staff: \(problem)" }
    }

    private struct RawFile: Decodable { var sites: [RawSite]? }
    private struct RawSite: Decodable {
        var id: String?
        var staff: [RawWorker]?
    }
    private struct RawWorker: Decodable {
        var id: String?
        var name: String?
        var role: String?
        var cert_no: String?
        var cert_expiry: String?
        var active: Bool?
    }

    /// Workers per site; a worker record that is impossible is an error naming the site and worker.
    public static func parse(yaml: String) throws -> [SiteID: [Worker]] {
        let raw: RawFile
        do { raw = try YAMLDecoder().decode(RawFile.self, from: yaml) } catch {
            throw LoadError(problem: "the file is not a registry: \(error)")
        }
        var staff: [SiteID: [Worker]] = [:]
        for site in raw.sites ?? [] {
            guard let list = site.staff, !list.isEmpty else { continue }
            guard let id = site.id.flatMap(SiteID.init) else { throw LoadError(problem: "a site with staff has no valid id") }
            var seen: Set<String> = []
            for (index, w) in list.enumerated() {
                let worker = Worker(id: w.id ?? "", name: w.name ?? "", role: w.role ?? "", certificateNumber: w.cert_no ?? "",
                                    certificateExpiry: w.cert_expiry ?? "", active: w.active ?? true)
                if let problem = worker.problem() {
                    throw LoadError(problem: "site \(id) staff[\(index)]: \(problem.message)")
                }
                guard seen.insert(worker.id).inserted else {
                    throw LoadError(problem: "site \(id) lists worker \(worker.id) twice")
                }
                staff[id, default: []].append(worker)
            }
        }
        return staff
    }
}
