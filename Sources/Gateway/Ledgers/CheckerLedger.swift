import Foundation
import KitchenModel
import Ledgers
import Logging

/// A stored 晨检仪 `check` event, with its identity (device, boot, seq).
public struct DeviceCheck: Sendable {
    public var key: DeviceKey
    public var check: MorningCheckEvent
    /// The event's `ts`: when the check was made.
    public var at: EpochMillis
    public var boot: Int64
    public var seq: Int64
    public var topic: String
    /// A broker redelivery or replay of an event already stored.
    public var redelivered: Bool
}

/// 晨检仪 checks into the morning-check ledger (``MorningCheckDesk``, the API's path and rules).
/// Runs on the MQTT thread before the event is acknowledged: checks are a few per worker a day,
/// and an acknowledged check is then in the ledger or refused. A refusal (an unknown worker, a
/// temperature that is no body's) stores nothing and counts as a `ledger_refused` rejection.
final class CheckerLedger: Sendable {
    let desk: MorningCheckDesk
    let logger: Logger

    init(book: LedgerBook, logger: Logger) {
        self.desk = MorningCheckDesk(book: book)
        self.logger = logger
    }

    func handle(_ check: DeviceCheck, refused: (Rejection, DeviceCheck) -> Void) {
        do {
            switch try desk.record(check.check, device: check.key.device, site: check.key.site, at: check.at,
                                   boot: check.boot, seq: check.seq) {
            case .recorded(let entry, let record):
                logger.info("morning check recorded from a device", metadata: [
                    "device": "\(check.key)", "worker": "\(record.check.worker)", "ledger_seq": "\(entry.seq)",
                    "excluded": "\(record.excluded)"])
            case .alreadyRecorded:
                break
            }
        } catch let refusal as LedgerRefusal {
            // A redelivery of a refused check was counted the first time.
            guard !check.redelivered else { return }
            refused(Rejection(.ledgerRefused, "\(refusal.reason): \(refusal.message)"), check)
        } catch {
            logger.error("cannot record a device's morning check", metadata: ["device": "\(check.key)", "error": "\(error)"])
        }
    }
}
