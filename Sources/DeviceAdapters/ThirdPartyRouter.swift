import DeviceIngest
import KitchenModel

/// Routes an inbound MQTT message to the adapter of the family that owns its topic and turns
/// it into canonical `DeviceMessage`s for the registry devices bound to that source.
///
/// A value type holding the little state third-party devices need (plug runs, Frigate snapshot
/// ids, the unmapped tally); the gateway keeps one behind its ingest lock and passes the
/// receive time in. Never throws and never traps on outside input: every failure is a
/// `Rejection` (`docs/third-party-devices.md`).
public struct ThirdPartyRouter: Sendable {
    public private(set) var bindings: SourceBindings
    public var limits: IngestLimits
    public private(set) var plugs: [DeviceKey: PlugRunTracker] = [:]
    public private(set) var unmapped = UnmappedTally()
    private var snapshots = FrigateSnapshotIDs()

    public init(bindings: SourceBindings = SourceBindings(), limits: IngestLimits = IngestLimits()) {
        self.bindings = bindings
        self.limits = limits
    }

    /// After a registry reload: state of devices still bound is kept (a run in progress
    /// survives), state of unbound ones dropped, newly bound sources leave the tally.
    public mutating func rebind(_ bindings: SourceBindings) {
        self.bindings = bindings
        let keep = bindings.boundKeys
        plugs = plugs.filter { keep.contains($0.key) }
        snapshots.forget(except: keep)
        unmapped.removeBound(bindings)
    }

    /// Native `bk/v1/...` topics are never claimed, whatever the bindings say.
    public mutating func adapt(topic: String, payload: UnsafeRawBufferPointer, receivedAt: EpochMillis) -> AdapterOutcome {
        guard !Topic.isProtocolNamespace(topic) else { return .notThirdParty }
        let outcome = route(topic, payload, receivedAt)
        if case .unmapped(let family, let sourceID) = outcome {
            unmapped.record(family: family, sourceID: sourceID, at: receivedAt)
        }
        return outcome
    }

    /// Counts a source (or, for cameras pushing over HTTP, `<camera>/<event type>`) no registry
    /// entry binds or no label table maps, as the MQTT families' unmapped topics are counted.
    public mutating func recordUnmapped(family: DeviceSource.Family, sourceID: String, at receivedAt: EpochMillis) {
        unmapped.record(family: family, sourceID: sourceID, at: receivedAt)
    }

    public mutating func adapt(topic: String, payload: [UInt8], receivedAt: EpochMillis) -> AdapterOutcome {
        payload.withUnsafeBytes { adapt(topic: topic, payload: $0, receivedAt: receivedAt) }
    }

    private mutating func route(_ topic: String, _ payload: UnsafeRawBufferPointer, _ receivedAt: EpochMillis) -> AdapterOutcome {
        if let (sourceID, message) = TasmotaAdapter.parse(topic) {
            if case .other(let name) = message { return .ignored("Tasmota \(name) carries no readings") }
            let bound = bindings.bindings(.tasmota, sourceID)
            guard !bound.isEmpty else { return .unmapped(family: .tasmota, sourceID: sourceID) }
            return TasmotaAdapter.adapt(message, payload, bindings: bound, receivedAt: receivedAt, limits: limits,
                                        plugs: &plugs)
        }
        if let message = ZigbeeAdapter.parse(topic) {
            return ZigbeeAdapter.adapt(message, payload, bindings: bindings, receivedAt: receivedAt, limits: limits)
        }
        if let message = FrigateAdapter.parse(topic, instances: bindings.frigateInstances) {
            return FrigateAdapter.adapt(message, payload, bindings: bindings, receivedAt: receivedAt, limits: limits,
                                        snapshots: &snapshots)
        }
        if let message = ShellyAdapter.parse(topic) {
            let deviceID: String
            switch message {
            case .rpc(let id), .online(let id): deviceID = id
            }
            let bound = bindings.bindings(.shelly, deviceID)
            guard !bound.isEmpty else { return .unmapped(family: .shelly, sourceID: deviceID) }
            return ShellyAdapter.adapt(message, payload, bindings: bound, receivedAt: receivedAt, limits: limits)
        }
        return .notThirdParty
    }
}
