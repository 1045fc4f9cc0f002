import KitchenModel

/// Batches (with their change history) and the tickets sold from them.
public protocol TraceabilityStore: AnyObject, Sendable {
    func createBatch(_ batch: Batch, actor: String) throws
    func updateBatch(_ id: BatchID, kind: BatchChange.Kind, actor: String,
                     _ change: (inout Batch) throws -> Void) throws -> Batch
    func batch(_ id: BatchID) throws -> Batch?
    func batches(site: SiteID, limit: Int) throws -> [Batch]
    func batch(gtin: String, lot: String) throws -> Batch?
    func batchHistory(_ id: BatchID) throws -> [BatchChange]
    func ticket(id: UInt64) throws -> Ticket?
    func ticket(scale: DeviceKey, req: String) throws -> Ticket?
    func tickets(batch: BatchID, limit: Int) throws -> [Ticket]
    func sales(batch: BatchID) throws -> [StallSales]
    func ticketCount(site: SiteID, since: EpochMillis) throws -> Int
}

extension TraceabilityStore {
    public func batches(site: SiteID) throws -> [Batch] { try batches(site: site, limit: 500) }
    public func tickets(batch: BatchID) throws -> [Ticket] { try tickets(batch: batch, limit: 10_000) }
}

/// Fingerprints of the keys that signed tickets: a start with a different key under a known id refuses.
public protocol TicketKeyStore: AnyObject, Sendable {
    func ticketKeys() throws -> [String: TicketKeyRecord]
    func hasTickets() throws -> Bool
    /// One stored ticket code per key id, to prove a keyring against.
    func sampleTicketCodesByKey() throws -> [String: String]
    func recordTicketKeys(_ records: [TicketKeyRecord]) throws
}
