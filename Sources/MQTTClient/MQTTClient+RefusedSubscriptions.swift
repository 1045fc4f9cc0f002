import CMosquitto
import Foundation

// A SUBACK can refuse a filter (0x80) for a while rather than for good: NATS answers so while the
// JetStream consumer behind the subscription cannot be created (a stream leader being elected
// after a node died, or the cluster too slow to answer in time). A persistent session left without
// that subscription receives nothing on it, however long it stays connected: the scaled-out chaos
// run (scripts/chaos --cluster) lost every later message of the sites whose shard subscription was
// refused once. So a refused filter is sent again, with backoff, while it is still wanted and the
// connection lasts; a new connection subscribes to everything anyway.

extension MQTTClient {
    /// What the retries need, kept in `ClientState`.
    struct SubscribeRetries {
        /// SUBSCRIBE packets in flight: mid → filter.
        var inFlight: [Int32: String] = [:]
        /// SUBACKs for a mid not recorded yet (the SUBACK beat `record`): whether each refused, to
        /// retry or count as granted then.
        var earlyAcks: [Int32: Bool] = [:]
        /// Refused filters waiting for their next attempt, and how many times each was refused in a row.
        var due: [String: ContinuousClock.Instant] = [:]
        var refusals: [String: Int] = [:]
        /// Filters the broker granted on this connection.
        var granted: Set<String> = []
    }

    /// Remembered filters, and how many of them the broker has granted on the current connection.
    /// A clustered broker can take minutes to grant a shard's hundreds of site filters (NATS makes
    /// each a replicated consumer); until then messages on a filter not granted reach no session.
    public var subscriptionsGranted: (granted: Int, wanted: Int) {
        state.withLock { state in
            guard state.isConnected else { return (0, state.subscriptions.count) }
            return (state.subscriptions.filter { state.retries.granted.contains($0.filter) }.count, state.subscriptions.count)
        }
    }

    /// Delay before the next SUBSCRIBE of a filter refused `refusals` times in a row: 0.5 s doubling, at most 10 s.
    static func subscribeRetryDelay(refusals: Int) -> Duration {
        .milliseconds(min(10_000, 500 << min(max(refusals - 1, 0), 5)))
    }

    /// Sends SUBSCRIBE and records its mid, so the SUBACK can be matched to the filter.
    func sendSubscribe(_ filter: String, qos: Int) -> Int32 {
        var mid: Int32 = 0
        let rc = mosquitto_subscribe(handle.pointer, &mid, filter, Int32(qos))
        if rc == MosquittoCode.success {
            let early = state.withLock { state -> Bool? in
                state.retries.inFlight[mid] = filter
                return state.retries.earlyAcks.removeValue(forKey: mid)
            }
            if let refused = early { handleSuback(mid: mid, refused: refused) }
        }
        return rc
    }

    /// On the network thread, for each SUBACK: a refused filter still subscribed is scheduled again;
    /// a granted one forgets its refusals.
    func handleSuback(mid: Int32, refused: Bool) {
        let scheduled = state.withLock { state -> (filter: String, delay: Duration, refusals: Int)? in
            guard let filter = state.retries.inFlight.removeValue(forKey: mid) else {
                state.retries.earlyAcks[mid] = refused
                return nil
            }
            guard refused else {
                state.retries.refusals[filter] = nil
                state.retries.granted.insert(filter)
                return nil
            }
            state.retries.granted.remove(filter)
            guard state.subscriptions.contains(where: { $0.filter == filter }) else { return nil }
            let refusals = (state.retries.refusals[filter] ?? 0) + 1
            state.retries.refusals[filter] = refusals
            let delay = Self.subscribeRetryDelay(refusals: refusals)
            state.retries.due[filter] = .now + delay
            return (filter, delay, refusals)
        }
        if let scheduled {
            logger.error("MQTT broker refused a subscription; subscribing again", metadata: [
                "mid": "\(mid)", "filter": .string(scheduled.filter), "refusals": "\(scheduled.refusals)",
                "retry_ms": "\(scheduled.delay / .milliseconds(1))",
            ])
        } else if refused {
            logger.error("MQTT broker refused a subscription", metadata: ["mid": "\(mid)"])
        }
    }

    /// On the network thread, between reads: sends again the refused filters whose time has come.
    func retryRefusedSubscriptions() {
        let now = ContinuousClock.now
        let ready = state.withLock { state -> [(filter: String, qos: Int)] in
            guard state.isConnected, !state.retries.due.isEmpty else { return [] }
            let filters = state.retries.due.filter { $0.value <= now }.map(\.key)
            for filter in filters { state.retries.due[filter] = nil }
            return filters.compactMap { filter in state.subscriptions.first { $0.filter == filter } }
        }
        for subscription in ready {
            _ = sendSubscribe(subscription.filter, qos: subscription.qos)
        }
    }

    /// A new connection subscribes to every filter again: pending retries and mids are moot.
    func forgetSubscribeRetries() {
        state.withLock { state in
            let refusals = state.retries.refusals
            state.retries = SubscribeRetries()
            state.retries.refusals = refusals
        }
    }
}
