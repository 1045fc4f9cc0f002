import Foundation
import KitchenModel
import KitchenRules
import Logging
import StorageModel
import Synchronization
import Traceability

/// Turns a scale's `weigh` into a ticket: checks the sale, mints a signed code, stores the
/// ticket and only then replies on the scale's `ticket` topic.
///
/// Runs on the MQTT thread but never waits for the disk: the ticket goes to the batch
/// writer as an urgent item and the reply is sent from its commit callback. A retried
/// `req` finds its ticket (in flight or stored) and gets the same one back.
public final class TicketDesk: Sendable {
    let store: any GatewayStore
    let writer: BatchWriter
    let model: StateModel
    let batches: BatchCache
    let issuer: TicketIssuer
    let metrics: GatewayMetrics?
    let logger: Logger
    private let inFlight = Mutex<Set<ScaleRequest>>([])
    private let replySink = Mutex<Sink<(DeviceKey, [UInt8])>?>(nil)

    struct ScaleRequest: Hashable {
        var scale: DeviceKey
        var req: String
    }

    public init(store: any GatewayStore, writer: BatchWriter, model: StateModel, batches: BatchCache, issuer: TicketIssuer,
                metrics: GatewayMetrics? = nil, logger: Logger) {
        self.store = store
        self.writer = writer
        self.model = model
        self.batches = batches
        self.issuer = issuer
        self.metrics = metrics
        self.logger = logger
    }

    /// Where replies go: `bk/v1/<site>/<scale>/ticket`.
    public func sendReplies(to sink: @escaping @Sendable (DeviceKey, [UInt8]) -> Void) {
        let box = Sink(sink)
        replySink.withLock { $0 = box }
    }

    public func handle(_ request: WeighRequest, from scale: DeviceKey, at now: EpochMillis) {
        let key = ScaleRequest(scale: scale, req: request.req)
        // A retry while the first attempt is being committed: that commit's reply answers both.
        guard inFlight.withLock({ !$0.contains(key) }) else { return }
        guard let site = model.site(scale.site) else { return }
        let batch = BatchID(request.batch).flatMap { batches.batch($0) }
        var refusal = SaleCheck.check(request, site: site, stalls: site.stalls,
                                      scaleStall: model.deviceState(scale)?.config.stall, batch: batch)
        var ticket: Ticket?
        if refusal == nil {
            do {
                ticket = try issuer.issue(request, batch: batch!, scale: scale, at: now)
            } catch {
                refusal = .invalidAmount
            }
        }
        guard let ticket else {
            // A retried sale that was made before the batch changed still gets its ticket back.
            if let existing = storedTicket(key) {
                metrics?.ticketRetried.increment()
                reply(existing, to: scale, request: request)
            } else if let refusal {
                metrics?.ticketRefused(refusal)
                send(TicketReply.refused(req: request.req, refusal), to: scale)
            }
            return
        }
        // No read before the write: (scale, req) is unique in the store, so a retry after the
        // first ticket was committed shows up as an ignored insert and is answered from the store.
        inFlight.withLock { _ = $0.insert(key) }
        do {
            // The signing key's fingerprint goes in the ticket's transaction: a key is on record
            // before any code it signed can leave the gateway.
            try writer.submitUrgent([.ticketKey(issuer.activeKeyRecord(at: now)), .ticket(ticket)]) { [self] stats in
                inFlight.withLock { _ = $0.remove(key) }
                if !stats.ticketsIgnored.contains(ticket.id) {
                    metrics?.ticketIssued.increment()
                    reply(ticket, to: scale, request: request)
                } else if let existing = storedTicket(key) {
                    metrics?.ticketRetried.increment()
                    reply(existing, to: scale, request: request)
                } else {
                    // Only a clash of two random 60-bit ids gets here; the scale's retry mints anew.
                    logger.warning("ticket id clash, not answered", metadata: ["scale": "\(scale)", "req": "\(request.req)"])
                }
            }
        } catch {
            inFlight.withLock { _ = $0.remove(key) }
            logger.error("cannot store ticket", metadata: ["scale": "\(scale)", "req": "\(request.req)", "error": "\(error)"])
        }
    }

    private func storedTicket(_ key: ScaleRequest) -> Ticket? {
        do {
            return try store.ticket(scale: key.scale, req: key.req)
        } catch {
            logger.error("cannot look up ticket", metadata: ["scale": "\(key.scale)", "req": "\(key.req)", "error": "\(error)"])
            return nil
        }
    }

    private func reply(_ ticket: Ticket, to scale: DeviceKey, request: WeighRequest) {
        let site = model.site(scale.site)
        var receipt: [UInt8]?
        if let width = request.receipt, let site {
            do {
                receipt = try issuer.receipt(for: ticket, width: width, site: site)
            } catch {
                logger.error("cannot build receipt", metadata: ["ticket": "\(ticket.code)", "error": "\(error)"])
            }
        }
        send(TicketReply.issued(ticket, url: issuer.url(for: ticket), vendor: site?.stall(ticket.stall)?.vendor,
                                receipt: receipt), to: scale)
    }

    private func send(_ bytes: [UInt8], to scale: DeviceKey) {
        replySink.withLock { $0 }?.call((scale, bytes))
    }
}
