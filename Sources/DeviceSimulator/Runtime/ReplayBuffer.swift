import KitchenModel

/// A sequenced message exactly as it was first recorded, so that a replay is byte-identical.
struct RecordedMessage: Sendable {
    let seq: Int64
    let boot: Int64
    let topic: String
    let payload: [UInt8]
}

/// The last `capacity` sequenced messages of a device, oldest first.
struct ReplayBuffer: Sendable {
    let capacity: Int
    private var storage: [RecordedMessage] = []
    /// Index of the oldest message once the ring has wrapped.
    private var head = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage.reserveCapacity(min(capacity, 4096))
    }

    var count: Int { storage.count }

    mutating func append(_ message: RecordedMessage) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(message)
        } else {
            storage[head] = message
            head = (head + 1) % capacity
        }
    }

    /// Messages with seq ≥ `fromSeq` (and ≤ `toSeq`, when given), in seq order. With `boot`, only
    /// those recorded in that boot, as firmware-specs says. Without, those of every boot (seq never
    /// restarts here): the gateway leaves the boot out for the one it thinks current, and the
    /// device may have moved on. Replaying later boots for a named one too (as before session 11)
    /// sent a reconnection's loss once per twin boot the gateway asked under, up to six times.
    func messages(fromSeq: Int64, boot: Int64?, toSeq: Int64? = nil) -> [RecordedMessage] {
        var result: [RecordedMessage] = []
        for offset in 0..<storage.count {
            let message = storage[(head + offset) % storage.count]
            if message.seq >= fromSeq, toSeq.map({ message.seq <= $0 }) ?? true, boot.map({ message.boot == $0 }) ?? true {
                result.append(message)
            }
        }
        return result
    }
}
