import Foundation
import Logging
import Synchronization

/// `FaultOptions.disconnectEvery`: drops one random connection at a time, at exponentially
/// distributed gaps so that disconnections arrive at random, `every` apart on average.
final class DisconnectFault: Sendable {
    private let links: [DeviceLink]
    private let every: Duration
    private let logger: Logger
    private let rng: Mutex<SeededGenerator>

    init(links: [DeviceLink], every: Duration, seed: UInt64, logger: Logger) {
        self.links = links
        self.every = every
        self.logger = logger
        self.rng = Mutex(SeededGenerator(fleetSeed: seed, name: "#disconnects"))
    }

    /// A scheduler job: drops a connection and returns the gap to the next drop.
    func strike() -> Duration? {
        guard !links.isEmpty else { return nil }
        let (link, gap) = rng.withLock { rng in
            (rng.pick(links), -log1p(-rng.unit()))
        }
        logger.info("fault: dropping a device connection", metadata: ["client": .string(link.clientID)])
        link.dropConnection()
        return every * max(gap, 0.05)
    }
}
