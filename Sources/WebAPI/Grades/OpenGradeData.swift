import Foundation
import Hummingbird
import KitchenModel
import Reports
import StorageModel
import Synchronization

/// The public open data of grades (`/open/grades.json`, `/open/grades.csv`): the latest night's
/// smiley and risk grade of every site, no login, like Shanghai's 餐饮脸谱. Built once per graded
/// night and kept, so a crawler costs a dictionary lookup, not 14,000 rows.
final class OpenGradeData: Sendable {
    struct Documents: Sendable {
        var day: String?
        var json: ByteBuffer
        var csv: ByteBuffer
    }

    private let cached = Mutex<Documents?>(nil)
    private let dependencies: APIDependencies

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
    }

    func documents() throws -> Documents {
        let latest = try dependencies.store.latestGradeDay()
        if let documents = cached.withLock({ $0 }), documents.day == latest { return documents }
        // Built outside the lock: two first requests may both build; the result is the same.
        var listings: [GradeListing] = []
        if let latest {
            listings = try dependencies.store.grades(fromDay: latest, toDay: latest, regionPrefix: nil)
                .compactMap { GradeListing($0, site: dependencies.sites.site($0.site), withFacts: false) }
        }
        let documents = Documents(day: latest, json: ByteBuffer(bytes: JSONBody.encode(OpenGrades(day: latest, grades: listings))),
                                  csv: ByteBuffer(string: GradeOpenData.csv(listings)))
        cached.withLock { $0 = documents }
        return documents
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/open/grades.json") { _, _ in
            Self.response(try self.documents().json, type: "application/json; charset=utf-8")
        }
        group.get("/open/grades.csv") { _, _ in
            var response = Self.response(try self.documents().csv, type: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"grades.csv\""
            return response
        }
    }

    private static func response(_ body: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
                 body: ResponseBody(byteBuffer: body))
    }
}

private struct OpenGrades: Encodable {
    var day: String?
    var grades: [GradeListing]
}
