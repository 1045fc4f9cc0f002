import Hummingbird
import KitchenModel

/// The open-kitchen pages, no token needed: `/k/{site}` (and `/K/{site}`, as the poster's
/// upper-case QR URL arrives), a public camera's latest picture `/k/{site}/cameras/{n}`, and
/// the printable door poster `/k/{site}/poster`. Behind the same per-address limit as the
/// ticket lookup; the page itself also answers from `LookupFastPath` while cached.
struct KitchenRoutes {
    let lookup: PublicLookup
    var pages: KitchenPages { lookup.kitchens }
    var dependencies: APIDependencies { lookup.dependencies }

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        for prefix in ["/k", "/K"] {
            router.get("\(prefix)/{site}") { request, context in
                let language = PageLanguage.from(acceptLanguage: request.headers[.acceptLanguage])
                guard let site = pages.site(try context.parameters.require("site")[...]) else {
                    return LookupRoutes.html(Self.unknown[language]!, status: .notFound)
                }
                return LookupRoutes.html(try pages.page(site, language: language), status: .ok)
            }
        }
        router.get("/k/{site}/poster") { _, context in
            guard let site = pages.site(try context.parameters.require("site")[...]) else {
                throw APIError.notFound("no such kitchen")
            }
            let url = KitchenPoster.url(site: site.id, lookupPrefix: dependencies.traceability.lookupPrefix)
            return LookupRoutes.html(ByteBuffer(string: try KitchenPoster.render(site, url: url)), status: .ok)
        }
        router.get("/k/{site}/cameras/{n}") { _, context in
            guard let site = pages.site(try context.parameters.require("site")[...]),
                  let number = Int(try context.parameters.require("n")),
                  let picture = KitchenFacts.publicPicture(site, camera: number, dependencies: dependencies,
                                                           now: dependencies.clock.now())
            else { throw APIError.notFound("no picture to show") }
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            // Never kept by a proxy: an alarm opened a moment later must take the picture down.
            headers[.cacheControl] = "no-store"
            headers[.xContentTypeOptions] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: picture.jpeg)))
        }
    }

    /// No such kitchen: a plain page that tells nothing about which sites exist elsewhere.
    static let unknown: [PageLanguage: ByteBuffer] = [
        .zh: ByteBuffer(string: PageStyle.page(title: "未找到", language: .zh,
                                               body: "<h1>明厨亮灶</h1><div class=\"alert\" role=\"alert\">未找到该厨房。请核对门贴上的二维码，或拨打 12315。</div>")),
        .en: ByteBuffer(string: PageStyle.page(title: "Not found", language: .en,
                                               body: "<h1>Open kitchen</h1><div class=\"alert\" role=\"alert\">No such kitchen. Check the code on the poster, or call 12315.</div>")),
    ]
}
