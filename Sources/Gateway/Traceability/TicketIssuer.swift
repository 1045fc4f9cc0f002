import Foundation
import KitchenModel
import Traceability

/// Mints tickets: a random id signed into a code by the active key, its trace number, the
/// amount in fen and the lookup URL consumers reach by scanning.
public struct TicketIssuer: Sendable {
    public let keyring: TicketKeyring
    /// Upper-cased lookup prefix, e.g. `HTTPS://TRACE.EXAMPLE.CN/T/`: upper case keeps the
    /// whole URL in QR alphanumeric mode, which is what keeps the code at version 3.
    public let lookupPrefix: String
    /// Set when the public URL makes QR codes bigger than version 3 (too long, or characters
    /// outside the QR alphanumeric set): codes still work, receipts get a denser code.
    public let qrSizeWarning: String?
    /// Recorded in the store with the tickets this key signs (`TicketKeyCheck`).
    let activeKeyFingerprint: String

    public init(keyring: TicketKeyring, publicURL: String) {
        self.keyring = keyring
        activeKeyFingerprint = keyring.activeKey.fingerprint
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        base += "/T/"
        do {
            lookupPrefix = try TicketLookupURL(base: base).base
            qrSizeWarning = nil
        } catch {
            lookupPrefix = base.uppercased()
            qrSizeWarning = "public URL '\(publicURL)': \(error)"
        }
    }

    func issue(_ request: WeighRequest, batch: Batch, scale: DeviceKey, at now: EpochMillis) throws(PricingError) -> Ticket {
        let total = try Pricing.amountFen(grams: request.grams, unitPriceFenPerKilogram: request.unitPriceFen)
        let code = keyring.mint()
        return Ticket(id: code.ticketID.rawValue, code: code.text,
                      traceNumber: TraceNumber(ticketID: code.ticketID).digits, keyID: code.keyID.description,
                      scale: scale, req: request.req, stall: request.stall, batch: batch.id, plu: request.plu,
                      item: batch.item, grams: request.grams, unitPriceFen: request.unitPriceFen,
                      totalFen: total, issuedAt: now)
    }

    public func url(for ticket: Ticket) -> String { lookupPrefix + ticket.code }

    /// The printed receipt for a ticket, as ESC/POS bytes for `58mm` or `80mm` paper.
    public func receipt(for ticket: Ticket, width: String, site: SiteConfig) throws -> [UInt8] {
        let paper: PaperWidth = width == "80mm" ? .mm80 : .mm58
        return try EscPosReceiptBuilder(paper: paper).build(try receiptContent(ticket, site: site))
    }

    public struct CorruptTicket: Error, CustomStringConvertible {
        public let id: UInt64
        public var description: String { "ticket id \(id) is out of range (damaged record?)" }
    }

    public func receiptContent(_ ticket: Ticket, site: SiteConfig) throws -> Receipt {
        guard let id = TicketID(rawValue: ticket.id) else { throw CorruptTicket(id: ticket.id) }
        return Receipt(market: site.name, stall: ticket.stall, vendor: site.stall(ticket.stall)?.vendor ?? ticket.stall,
                item: ticket.item, grams: ticket.grams, unitPriceFenPerKilogram: ticket.unitPriceFen,
                amountFen: ticket.totalFen, issuedAt: Date(timeIntervalSince1970: Double(ticket.issuedAt) / 1000),
                traceNumber: TraceNumber(ticketID: id), lookupURL: url(for: ticket))
    }
}
