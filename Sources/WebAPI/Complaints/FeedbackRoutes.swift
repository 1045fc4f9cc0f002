import HTTPTypes
import Hummingbird
import KitchenModel
import StorageModel

/// The public posts, no login: `POST /k/{site}/ratings`, `POST /k/{site}/complaints` (the forms
/// of the kitchen page and the ticket page), and the case page `GET /c/{receipt}` (also `/c?r=`,
/// the follow form's), which sits behind the lookup's per-address limit: receipts are not to be
/// walked. Answers are pages: people read them.
struct FeedbackRoutes {
    let desk: FeedbackDesk
    var dependencies: APIDependencies { desk.dependencies }

    func addPosts(to router: some RouterMethods<GatewayRequestContext>) {
        router.post("/k/{site}/ratings") { request, context in
            try await post(request, context) { site, client in
                try desk.admit(client: client, site: site.id)
                let form = try await FeedbackForm.read(request, maxBytes: 16 * 1024)
                _ = try desk.rate(site, form: form, client: client)
                return LookupRoutes.html(ByteBuffer(string: FeedbackPages.thanks(site: site, language: language(request))),
                                         status: .ok)
            }
        }
        router.post("/k/{site}/complaints") { request, context in
            try await post(request, context) { site, client in
                // The limits first: a refused address does not get to upload 12 MB.
                try desk.admit(client: client, site: site.id)
                let form = try await FeedbackForm.read(request, maxBytes: FeedbackDesk.maxBodyBytes)
                let (complaint, duplicate) = try desk.file(site, form: form, client: client)
                // Post/redirect/get: a reload shows the case instead of sending it again.
                return PageResponse.redirect("/c/\(complaint.receipt)\(duplicate ? "?again=1" : "?new=1")")
            }
        }
    }

    func addCasePages(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/c/{receipt}") { request, context in
            try casePage(context.parameters.require("receipt"), request)
        }
        router.get("/c") { request, _ in
            try casePage(request.uri.queryParameters.get("r") ?? "", request)
        }
    }

    private func language(_ request: Request) -> PageLanguage { PageLanguage.from(acceptLanguage: request.headers[.acceptLanguage]) }

    /// A post for a registered site, its refusals as pages with their status and counted.
    private func post(_ request: Request, _ context: GatewayRequestContext,
                      _ body: (SiteConfig, String) async throws -> Response) async throws -> Response {
        let language = language(request)
        guard let raw = context.parameters.get("site"), raw.utf8.count <= 64, let id = SiteID(raw),
              let site = dependencies.sites.site(id) else {
            desk.metrics.refused("unknown_site")
            return LookupRoutes.html(KitchenRoutes.unknown[language]!, status: .notFound)
        }
        let client = dependencies.trustedProxies.client(request, peer: context.remoteAddress)
        do {
            try Self.refuseCrossSite(request)
            return try await body(site, client)
        } catch let refusal as FeedbackRefusal {
            desk.metrics.refused(refusal.reason)
            var response = LookupRoutes.html(ByteBuffer(string: FeedbackPages.refused(refusal, site: site.id, language: language)),
                                             status: refusal.status)
            if let seconds = refusal.retryAfter { response.headers[.retryAfter] = "\(seconds)" }
            return response
        }
    }

    /// A form another web site makes its visitors' browsers post (one rating a day from each of
    /// thousands of addresses) is refused. Browsers say where a post comes from in
    /// `Sec-Fetch-Site`; without it, an `Origin` naming another host gives it away. (`Origin: null`
    /// proves nothing: the pages' `Referrer-Policy: no-referrer` makes browsers send it for their
    /// own forms.) A post with neither (an old browser, a script) is left to the limits.
    static func refuseCrossSite(_ request: Request) throws(FeedbackRefusal) {
        let refusal = FeedbackRefusal.bad("cross_site", "请在本站页面上提交。", "Send the form from this site's own page.")
        if let site = request.headers[.secFetchSite] {
            if site == "cross-site" { throw refusal }
            return
        }
        guard let origin = request.headers[.origin], origin != "null" else { return }
        guard let host = request.head.authority, origin.hasPrefix("http://") || origin.hasPrefix("https://"),
              origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)?.lowercased()
                == host.lowercased() else { throw refusal }
    }

    private func casePage(_ raw: String, _ request: Request) throws -> Response {
        let language = language(request)
        guard raw.utf8.count <= 32, let receipt = FeedbackDesk.normalisedReceipt(raw),
              let complaint = try dependencies.store.complaint(receipt: receipt) else {
            desk.metrics.refused("unknown_receipt")
            return LookupRoutes.html(ByteBuffer(string: FeedbackPages.unknownReceipt(language: language)), status: .notFound)
        }
        let steps = try dependencies.store.complaintSteps(of: complaint.id)
        let name = dependencies.sites.site(complaint.site)?.name ?? complaint.site.rawValue
        let page = FeedbackPages.status(complaint, steps: steps, siteName: name,
                                        isNew: request.uri.queryParameters.get("new") != nil
                                            || request.uri.queryParameters.get("again") != nil,
                                        language: language, now: dependencies.clock.now())
        return LookupRoutes.html(ByteBuffer(string: page), status: .ok)
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}

