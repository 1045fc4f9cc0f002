import Foundation
import Hummingbird
import KitchenModel
import Traceability

/// `GET /api/v1/tickets/{code}/receipt?format=svg|text|escpos-58|escpos-80`: the receipt a
/// stall prints, for a stall's own screen or a reprint. Needs a token that sees the market.
struct ReceiptRoutes {
    let dependencies: APIDependencies

    enum Format: String, CaseIterable {
        case svg, text
        case escpos58 = "escpos-58"
        case escpos80 = "escpos-80"
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/tickets/{code}/receipt") { request, context in
            let principal = try context.requirePrincipal()
            let service = dependencies.traceability
            let formatText = request.uri.queryParameters["format"].map(String.init) ?? "svg"
            guard let format = Format(rawValue: formatText) else {
                throw APIError.badRequest("format must be one of " + Format.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let raw = try context.parameters.require("code")
            guard let code = try? service.verify(raw),
                  let ticket = try dependencies.store.ticket(id: code.ticketID.rawValue) else {
                throw APIError(.notFound, "not_genuine", "no ticket with this code is on record")
            }
            guard let site = dependencies.sites.site(ticket.scale.site) else {
                throw APIError.notFound("the market of this ticket is no longer registered")
            }
            guard principal.canSee(site: site.id, region: site.region) else {
                throw APIError.forbidden("this token may not see tickets of '\(site.id)'")
            }
            let url = service.url(for: ticket)
            var headers = HTTPFields()
            headers[.cacheControl] = CachePolicy.authenticated
            let body: ByteBuffer
            switch format {
            case .svg:
                headers[.contentType] = "image/svg+xml"
                headers[.contentSecurityPolicy] = DocumentPolicy.svg
                body = ByteBuffer(string: QRSVGRenderer().render(try QRMatrix(encoding: url), title: ticket.traceNumber))
            case .text:
                headers[.contentType] = "text/plain; charset=utf-8"
                body = ByteBuffer(string: QRTerminalRenderer().render(try QRMatrix(encoding: url)) + url + "\n")
            case .escpos58, .escpos80:
                headers[.contentType] = "application/octet-stream"
                headers[.contentDisposition] = "attachment; filename=\"\(ticket.traceNumber).bin\""
                let width = format == .escpos58 ? "58mm" : "80mm"
                body = ByteBuffer(bytes: try service.receipt(for: ticket, width: width, site: site))
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }
}
