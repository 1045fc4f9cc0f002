import KitchenModel

/// Decodes protocol v1 messages (`bk/v1/...`) into canonical `DeviceMessage`s.
///
/// Called on the MQTT network thread for every message, so it never blocks, never throws past
/// its boundary and never crashes on hostile input: every failure is a `Rejection`.
/// Order of checks: topic, then registry lookup, then size, JSON, fields and clock.
public struct NativeDecoder: Sendable {
    public var limits: IngestLimits
    /// Provisioning mode: a `birth` from a device the registry does not know is decoded (with the
    /// kind it announces) instead of rejected, so the gateway can register it.
    public var acceptUnknownBirth: Bool

    public init(limits: IngestLimits = IngestLimits(), acceptUnknownBirth: Bool = false) {
        self.limits = limits
        self.acceptUnknownBirth = acceptUnknownBirth
    }

    public func decode(topic: String, payload: UnsafeRawBufferPointer, receivedAt: EpochMillis,
                       lookup: (DeviceKey) -> DeviceLookup) -> IngestOutcome {
        do throws(Rejection) {
            switch try TopicParser.parse(topic) {
            case .gatewayOutput:
                return .ignored
            case .device(_, .state) where payload.isEmpty:
                // An empty retained message is how an operator clears a device's retained state.
                return .ignored
            case .device(let key, let channel):
                let registered: DeviceKind?
                switch lookup(key) {
                case .unknownSite:
                    throw Rejection(.unknownSite, "site '\(key.site)' is not registered with this gateway")
                case .unknownDevice:
                    guard channel == .birth && acceptUnknownBirth else {
                        throw Rejection(.unknownDevice, "device '\(key.device)' is not registered on site '\(key.site)'")
                    }
                    registered = nil
                case .known(let kind):
                    registered = kind
                }
                let (sequence, body) = try decodeBody(channel, registered, payload, receivedAt)
                return .message(DeviceMessage(key: key, receivedAt: receivedAt, sequence: sequence, payload: body))
            }
        } catch {
            return .rejected(error)
        }
    }

    public func decode(topic: String, payload: [UInt8], receivedAt: EpochMillis,
                       lookup: (DeviceKey) -> DeviceLookup) -> IngestOutcome {
        payload.withUnsafeBytes { decode(topic: topic, payload: $0, receivedAt: receivedAt, lookup: lookup) }
    }

    /// `registered` is nil only for a provisioning birth.
    private func decodeBody(_ channel: Channel, _ registered: DeviceKind?, _ payload: UnsafeRawBufferPointer,
                            _ receivedAt: EpochMillis) throws(Rejection) -> (SequenceStamp?, DevicePayload) {
        guard let kind = registered else {
            return (nil, .birth(try BirthDecoder.decode(try PayloadJSON.read(payload, limits: limits), registered: nil)))
        }
        switch channel {
        case .birth:
            let fields = try PayloadJSON.read(payload, limits: limits)
            return (nil, .birth(try BirthDecoder.decode(fields, registered: kind)))
        case .state:
            let fields = try PayloadJSON.read(payload, limits: limits)
            return (nil, .state(try StateDecoder.decode(fields)))
        case .telemetry:
            let fields = try PayloadJSON.read(payload, limits: limits)
            let sequence = try SequenceDecoder.decode(fields, receivedAt: receivedAt, limits: limits)
            return (sequence, .telemetry(try TelemetryDecoder.decode(fields, kind: kind)))
        case .event:
            guard EventDecoder.eventType(of: kind) != nil else {
                throw Rejection(.kindMismatch, "\(kind.rawValue) devices send no events in protocol v1")
            }
            let fields = try PayloadJSON.read(payload, limits: limits)
            let type = try EventDecoder.type(fields, kind: kind)
            let sequence = try SequenceDecoder.decode(fields, receivedAt: receivedAt, limits: limits)
            return (sequence, .event(try EventDecoder.decode(fields, type: type)))
        case .weigh:
            guard kind == .scale else {
                throw Rejection(.kindMismatch, "only scales send weigh requests; this device is registered as "
                    + "'\(kind.rawValue)'")
            }
            let fields = try PayloadJSON.read(payload, limits: limits)
            let sequence = try SequenceDecoder.decode(fields, receivedAt: receivedAt, limits: limits)
            return (sequence, .weigh(try WeighDecoder.decode(fields)))
        case .snapshot(let id):
            try requireCamera(kind, channel)
            return (nil, .snapshot(id: id, jpeg: try ImageDecoder.jpeg(payload, limits: limits)))
        case .frame:
            try requireCamera(kind, channel)
            return (nil, .frame(jpeg: try ImageDecoder.jpeg(payload, limits: limits)))
        case .ticket, .cmd:
            // The topic parser already classifies these as gateway outputs; kept for exhaustiveness.
            throw Rejection(.unknownChannel, "'\(channel)' is a gateway-to-device channel")
        }
    }

    private func requireCamera(_ kind: DeviceKind, _ channel: Channel) throws(Rejection) {
        guard kind == .camera else {
            throw Rejection(.kindMismatch, "only cameras send \(channel.family); this device is registered as "
                + "'\(kind.rawValue)'")
        }
    }
}
