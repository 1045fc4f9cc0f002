import Foundation
import KitchenModel
import Ledgers
import Logging

/// A stored 留样柜 `sample` or `door` event, with its identity (device, boot, seq).
public struct DeviceSamplerEvent: Sendable {
    public enum Body: Sendable {
        case sample(SampleEvent)
        case door(DoorEvent)
    }

    public var key: DeviceKey
    public var body: Body
    /// The event's `ts`: when the sample was taken, or the door closed.
    public var at: EpochMillis
    public var boot: Int64
    public var seq: Int64
    public var topic: String
    public var redelivered: Bool

    var eventBody: EventBody {
        switch body {
        case .sample(let s): .sample(s)
        case .door(let d): .door(d)
        }
    }
}

/// 留样柜 events into the sample ledger (``SampleDesk``, the API's path and checks), like
/// ``CheckerLedger``: on the MQTT thread before the acknowledgement (a few samples per meal), a
/// refusal stores nothing and counts as a `ledger_refused` rejection.
final class SamplerLedger: Sendable {
    let desk: SampleDesk
    let logger: Logger

    init(book: LedgerBook, logger: Logger) {
        self.desk = SampleDesk(book: book)
        self.logger = logger
    }

    func handle(_ event: DeviceSamplerEvent, refused: (Rejection, DeviceSamplerEvent) -> Void) {
        let device = event.key.device, site = event.key.site
        do {
            let outcome = switch event.body {
            case .sample(let sample):
                try desk.record(sample, device: device, site: site, at: event.at, boot: event.boot, seq: event.seq)
            case .door(let door):
                try desk.record(door, device: device, site: site, at: event.at, boot: event.boot, seq: event.seq)
            }
            if case .recorded(let entries) = outcome, !entries.isEmpty {
                logger.info("sample ledger entries recorded from a device", metadata: [
                    "device": "\(event.key)", "ledger_seqs": "\(entries.map(\.seq))"])
            }
        } catch let refusal as LedgerRefusal {
            guard !event.redelivered else { return }
            refused(Rejection(.ledgerRefused, "\(refusal.reason): \(refusal.message)"), event)
        } catch {
            logger.error("cannot record a device's sample event", metadata: ["device": "\(event.key)", "error": "\(error)"])
        }
    }
}
