import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebAPI

/// `docs/openapi.json` and the router agree both ways, and it is what `/openapi.json` serves.
@Suite struct OpenAPITests {
    static let docsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/openapi.json").standardizedFileURL

    static func documented() throws -> Set<String> {
        let data = try Data(contentsOf: docsFile)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    /// The dashboard's pages and its login are HTML for people in a browser, not the API: they
    /// are described in docs/web.md and scope-tested in `PageScopeMatrixTests`.
    static func isPage(_ path: String) -> Bool {
        path == "/login" || path == "/logout" || path == "/dashboard" || path.hasPrefix("/dashboard/")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let f = try WebFixture()
        let registered = Set(f.router().routes.filter { !Self.isPage($0.path.description) }.map { "\($0.method) \($0.path)" })
        let documented = try Self.documented()
        #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented, not routed: \(documented.subtracting(registered).sorted())")
    }

    @Test func theServedDocumentIsTheOneInDocs() async throws {
        let f = try WebFixture()
        let file = try Data(contentsOf: Self.docsFile)
        try await f.test { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(Data(response.body.readableBytesView) == file)
            }
        }
    }

    @Test func unknownRoutesAndWrongMethodsAnswerInJSON() async throws {
        let f = try WebFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#""error":"not_found""#))
            }
            try await client.execute(uri: "/api/v1/regions/4201/summary", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
                #expect(String(buffer: response.body).contains(#""error":"method_not_allowed""#))
            }
            try await client.execute(uri: "/api/v1/sites/market-01/batches", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
            }
        }
    }
}
