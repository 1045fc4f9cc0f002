import Foundation
import Hummingbird
import KitchenModel
import StorageModel

/// The public side of traceability, no token needed: the consumer's page behind the QR
/// (`/t/{code}`, and `/T/{code}` as upper-case QR URLs arrive), the same as JSON
/// (`/api/v1/tickets/{code}`), and GS1 Digital Link paths (`/01/{gtin}/10/{lot}`).
struct LookupRoutes {
    let lookup: PublicLookup
    var dependencies: APIDependencies { lookup.dependencies }
    /// The "not genuine" pages never change: rendered once.
    static let notGenuine: [PageLanguage: ByteBuffer] = [
        .zh: ByteBuffer(string: TicketPage.notGenuine(language: .zh)),
        .en: ByteBuffer(string: TicketPage.notGenuine(language: .en)),
    ]

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        for prefix in ["/t", "/T"] {
            router.get("\(prefix)/{code}") { request, context in
                try page(request, context)
            }
            // A link checker or a phone's preview asks HEAD first: the GET answer's status and
            // headers (its Content-Length included), without the body.
            router.head("\(prefix)/{code}") { request, context in
                let full = try page(request, context)
                var headers = full.headers
                headers[.contentLength] = String(full.body.contentLength ?? 0)
                return Response(status: full.status, headers: headers, body: .init())
            }
        }
        router.get("/api/v1/tickets/{code}") { _, context in
            do {
                let body = try lookup.answer(try context.parameters.require("code"), variant: "json")
                var headers = HTTPFields()
                headers[.contentType] = "application/json; charset=utf-8"
                headers[.cacheControl] = CachePolicy.publicLookup
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
            } catch let failure as TicketLookup.Failure {
                switch failure {
                case .forged(let why): throw APIError(.notFound, "not_genuine", "not a genuine ticket code: \(why)")
                case .unknown: throw APIError(.notFound, "not_genuine", "no ticket with this code is on record")
                }
            }
        }
        router.get("/01/{gtin}/10/{lot}") { _, context in
            let gtin = try context.parameters.require("gtin")
            let lot = try context.parameters.require("lot")
            guard GTIN.isValid(gtin), let batch = try dependencies.store.batch(gtin: GTIN.normalized(gtin), lot: lot) else {
                throw APIError.notFound("no batch with GTIN \(gtin.prefix(14)) and lot \(lot.prefix(20))")
            }
            return JSONBody.response(BatchPublicView(batch, market: dependencies.sites.site(batch.site)?.name),
                                     cacheControl: CachePolicy.publicLookup)
        }
    }

    /// The consumer's page for a code, or the "not genuine" page.
    private func page(_ request: Request, _ context: GatewayRequestContext) throws -> Response {
        let language = PageLanguage.from(acceptLanguage: request.headers[.acceptLanguage])
        do {
            return Self.html(try lookup.answer(try context.parameters.require("code"), variant: language.rawValue), status: .ok)
        } catch is TicketLookup.Failure {
            return Self.html(Self.notGenuine[language]!, status: .notFound)
        }
    }

    /// Built once: every page answer carries the same headers.
    static let htmlHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.vary] = "Accept-Language"
        return headers
    }()

    static func html(_ page: ByteBuffer, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: htmlHeaders, body: .init(byteBuffer: page))
    }
}

/// What a GS1 Digital Link resolves to: the batch's public facts, as on a ticket page.
struct BatchPublicView: Encodable {
    var batch: String
    var market: String?
    var item: String
    var category: String
    var origin: Origin
    var supplier: Supplier
    var arrivalDate: String
    var inspection: Inspection?
    var recall: Recall?

    init(_ b: Batch, market: String?) {
        batch = b.id.rawValue
        self.market = market
        item = b.item
        category = b.category
        origin = b.origin
        supplier = b.supplier
        arrivalDate = b.arrivalDate
        inspection = b.inspection
        recall = b.recall
    }

    enum CodingKeys: String, CodingKey {
        case batch, market, item, category, origin, supplier, arrivalDate = "arrival_date", inspection, recall
    }
}
