import KitchenModel
import StorageModel

/// What applying one message to the state model asks the rest of the gateway to do.
public struct IngestEffects: Sendable {
    public enum Outcome: String, Sendable {
        /// New information; `writes` persist it.
        case accepted
        /// Already stored (broker redelivery, device replay of something we have).
        case duplicate
        /// A Will or birth from a boot older than the device's current one.
        case staleBoot = "stale_boot"
    }

    public var outcome: Outcome
    public var writes: [WriteItem] = []
    /// Commit before the message is acknowledged to the broker: rare messages whose
    /// loss the device could not repair by replay (birth, state) or that must be
    /// durable before anything answers them (events, weighing requests).
    public var durable = false
    public var commands: [(DeviceKey, DeviceCommand)] = []
    /// Set when provisioning mode accepted a device the registry did not list.
    public var provisioned: DeviceConfig?
    /// Sequence numbers given up as unrecoverable by this message.
    public var lost: Int64 = 0
    /// Set when this message had been given up as lost and came after all (`SequenceTracker.givenUp`).
    public var recovered = false
    /// The device's kind, for metrics.
    public var kind: DeviceKind?
    /// The boot a sequenced message (new or duplicate) belongs to: with its seq, the message's identity.
    public var boot: Int64?

    public init(outcome: Outcome) { self.outcome = outcome }
}
