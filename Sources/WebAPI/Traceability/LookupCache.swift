import GatewayPorts
import Hummingbird
import KitchenModel
import Synchronization

/// Rendered lookup answers by ticket id. A ticket never changes; what can is its batch (a
/// recall, a re-inspection) and its market's registry entry, so an entry is served only while
/// the batch's version in the ticket desk's `BatchCache` (kept current by every batch write)
/// and the market's configuration are the ones it was made from. A scanned code then costs one
/// HMAC and two in-memory look-ups instead of two database reads and a page render.
final class LookupCache: Sendable {
    struct Entry {
        var batch: BatchID
        /// The batch cache's version of the batch the bodies were made from.
        var batchVersion: UInt64
        var site: SiteID
        var siteConfig: SiteConfig?
        var bodies: [String: ByteBuffer] = [:]
    }

    private let entries = Mutex<[UInt64: Entry]>([:])
    static let capacity = 20_000

    /// The cached body for `variant` (`zh`, `en`, `json`), if the entry is still current. With
    /// `memoryOnly`, a batch the batch cache would have to read from the database counts as a
    /// miss (the lookup fast path runs on an event loop and must not block).
    func body(ticket id: UInt64, variant: String, batches: any BatchVersions, sites: any SiteStateViews, memoryOnly: Bool = false)
        -> ByteBuffer?
    {
        guard let entry = entries.withLock({ $0[id] }), let body = entry.bodies[variant] else { return nil }
        let batch = memoryOnly ? batches.cachedVersionedBatch(entry.batch) : batches.versionedBatch(entry.batch)
        guard let batch else { return nil }
        guard batch.version == entry.batchVersion, sites.site(entry.site) == entry.siteConfig else {
            _ = entries.withLock { $0.removeValue(forKey: id) }
            return nil
        }
        return body
    }

    func store(_ body: ByteBuffer, ticket id: UInt64, variant: String, from lookup: TicketLookup) {
        guard let batch = BatchID(lookup.batch.id), let site = lookup.siteID else { return }
        entries.withLock { e in
            var entry = e[id] ?? Entry(batch: batch, batchVersion: lookup.batchVersion, site: site,
                                       siteConfig: lookup.siteConfig)
            if entry.batchVersion != lookup.batchVersion || entry.siteConfig != lookup.siteConfig {
                entry = Entry(batch: batch, batchVersion: lookup.batchVersion, site: site, siteConfig: lookup.siteConfig)
            }
            entry.bodies[variant] = body
            // Crude but bounded: a full cache starts over (popular codes come straight back).
            if e.count >= Self.capacity && e[id] == nil { e.removeAll(keepingCapacity: true) }
            e[id] = entry
        }
    }
}
