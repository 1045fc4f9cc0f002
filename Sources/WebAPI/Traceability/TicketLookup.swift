import Foundation
import GatewayPorts
import Hummingbird
import KitchenModel
import StorageModel
import Traceability

/// What a consumer may learn from a ticket: the sale, the stall, and the batch's own chain
/// (origin, supplier, inspection, recall). Nothing about other tickets or the market's books.
struct TicketLookup: Encodable {
    var genuine: Bool
    var code: String
    var traceNumber: String
    var market: String
    var stall: String
    var vendor: String?
    var item: String
    var grams: Int
    var unitPriceFen: Int
    var totalFen: Int
    var issuedAt: EpochMillis
    var batch: BatchFacts
    /// Set when the batch must not be eaten or needs attention: `recalled`, `failed_inspection`.
    var warning: String?
    /// What the answer was made from (not shown): a cached page is current while these are.
    var batchVersion: UInt64 = 0
    var siteID: SiteID?
    var siteConfig: SiteConfig?

    struct BatchFacts: Encodable {
        var id: String
        var category: String
        var arrivalDate: String
        var origin: Origin
        var supplier: Supplier
        var inspection: Inspection?
        var recall: Recall?

        enum CodingKeys: String, CodingKey {
            case id, category, arrivalDate = "arrival_date", origin, supplier, inspection, recall
        }
    }

    enum CodingKeys: String, CodingKey {
        case genuine, code, traceNumber = "trace_no", market, stall, vendor, item, grams
        case unitPriceFen = "unit_price_fen", totalFen = "total_fen", issuedAt = "issued_at", batch, warning
    }

    /// Why a code leads nowhere; each is a 404 "not genuine" for the consumer.
    enum Failure: Error {
        case forged(String)
        case unknown
    }

    /// Checks the code's signature: no database touched for a forgery.
    static func verify(_ text: String, codes: any TicketCodes) throws -> TicketCode {
        do {
            return try codes.verify(text)
        } catch {
            throw Failure.forged("\(error)")
        }
    }

    /// Reads the ticket a verified code names, and its batch from the batch cache: the batch
    /// and the version the answer is cached under come from one read, so they always match.
    static func load(_ code: TicketCode, store: any GatewayStore, batches: any BatchVersions, sites: any SiteStateViews) throws -> TicketLookup {
        guard let ticket = try store.ticket(id: code.ticketID.rawValue), ticket.code == code.text else { throw Failure.unknown }
        guard let cached = batches.versionedBatch(ticket.batch) else {
            throw APIError(.internalServerError, "internal", "the batch of this ticket cannot be read now")
        }
        guard let batch = cached.batch else { throw Failure.unknown }
        let site = sites.site(ticket.scale.site)
        let warning: String? = if batch.recall != nil {
            "recalled"
        } else if batch.inspection?.passed == false {
            "failed_inspection"
        } else {
            nil
        }
        return TicketLookup(
            genuine: true, code: ticket.code, traceNumber: ticket.traceNumber, market: site?.name ?? ticket.scale.site.rawValue,
            stall: ticket.stall, vendor: site?.stall(ticket.stall)?.vendor, item: ticket.item, grams: ticket.grams,
            unitPriceFen: ticket.unitPriceFen, totalFen: ticket.totalFen, issuedAt: ticket.issuedAt,
            batch: BatchFacts(id: batch.id.rawValue, category: batch.category, arrivalDate: batch.arrivalDate,
                              origin: batch.origin, supplier: batch.supplier, inspection: batch.inspection,
                              recall: batch.recall),
            warning: warning, batchVersion: cached.version, siteID: ticket.scale.site, siteConfig: site)
    }
}
