import KitchenModel

extension Fleet {
    /// For benchmarks: records `count` thermo telemetry messages as fast as possible,
    /// round-robin over every thermometer that has sent its birth (every device if the fleet
    /// has no thermometer), at the devices' telemetry QoS (1 unless a profile says otherwise).
    /// Returns how many were handed to libmosquitto: faults (`dropRate`) or an offline device
    /// hold some back, recorded with their seq in the replay buffer as scheduled messages are.
    /// Safe to call while the fleet's scheduler runs; each device's seq stays in order.
    @discardableResult
    public func sendTelemetryNow(count: Int) -> Int {
        let thermos = devices.indices.filter { devices[$0].profile.kind == .thermo }
        let pool = thermos.isEmpty ? Array(devices.indices) : thermos
        guard count > 0, !pool.isEmpty else { return 0 }
        var recorded = 0, handed = 0, cursor = 0, idle = 0
        // A device that has not sent its birth yet is skipped; a whole pool of them ends the burst.
        while recorded < count, idle < pool.count {
            let index = pool[cursor % pool.count]
            cursor += 1
            switch devices[index].sendTelemetryNow(on: links[linkOfDevice[index]]) {
            case .notAnnounced:
                idle += 1
                continue
            case .recorded:
                recorded += 1
            case .published:
                recorded += 1
                handed += 1
            }
            idle = 0
        }
        return handed
    }

    /// How many devices `sendTelemetryNow(count:)` spreads its messages over.
    public var thermoDeviceCount: Int { devices.filter { $0.profile.kind == .thermo }.count }
}
