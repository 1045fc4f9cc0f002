/// The signing keys of a gateway: one active key that signs new codes, and retired keys whose
/// codes still verify.
///
/// Rotation: ``rotated()`` adds a fresh key under the next free id and makes it active; the old
/// key stays for verification until ``removingKey(_:)`` drops it (which invalidates every code it
/// signed). Verification needs no database: the code carries its key id, ticket id and tag.
public struct TicketKeyring: Sendable {
    /// The key that signs new codes.
    public let activeKey: TicketKey
    /// Keys that no longer sign but still verify, by ascending id.
    public let retiredKeys: [TicketKey]
    /// Every key indexed by its id's raw value, for a look-up with no hashing.
    private let keysByID: [TicketKey?]

    /// A keyring from its keys; every id must be distinct.
    public init(active: TicketKey, retired: [TicketKey] = []) throws(TicketKeyringError) {
        var slots = [TicketKey?](repeating: nil, count: TicketKeyID.count)
        for key in [active] + retired {
            guard slots[Int(key.id.rawValue)] == nil else { throw .duplicateKeyID(key.id) }
            slots[Int(key.id.rawValue)] = key
        }
        activeKey = active
        retiredKeys = retired.sorted { $0.id < $1.id }
        keysByID = slots
    }

    /// A keyring holding one fresh random key.
    public static func generate(activeKeyID: TicketKeyID = TicketKeyID(rawValue: 0)!) -> TicketKeyring {
        try! TicketKeyring(active: .generate(id: activeKeyID))   // one key cannot clash with itself
    }

    /// The key held under `id`, active or retired.
    public func key(_ id: TicketKeyID) -> TicketKey? { keysByID[Int(id.rawValue)] }

    /// Ids of every key held, active first.
    public var keyIDs: [TicketKeyID] { [activeKey.id] + retiredKeys.map(\.id) }

    /// A keyring whose active key is a fresh one under the first free id after the current active
    /// id; the current key is kept as retired.
    ///
    /// `avoiding` names ids that must not be taken although this keyring no longer holds them:
    /// ids a store has seen sign tickets, since an id never names a second secret.
    public func rotated(avoiding used: Set<TicketKeyID> = []) throws(TicketKeyringError) -> TicketKeyring {
        var candidate = activeKey.id.next
        while keysByID[Int(candidate.rawValue)] != nil || used.contains(candidate) {
            guard candidate != activeKey.id else { throw .noFreeKeyID }
            candidate = candidate.next
        }
        return try rotated(to: .generate(id: candidate))
    }

    /// A keyring whose active key is `newKey`; the current key is kept as retired.
    public func rotated(to newKey: TicketKey) throws(TicketKeyringError) -> TicketKeyring {
        try TicketKeyring(active: newKey, retired: retiredKeys + [activeKey])
    }

    /// A keyring without the retired key `id`: codes it signed stop verifying.
    public func removingKey(_ id: TicketKeyID) throws(TicketKeyringError) -> TicketKeyring {
        guard id != activeKey.id else { throw .cannotRemoveActiveKey(id) }
        guard keysByID[Int(id.rawValue)] != nil else { throw .unknownKeyID(id) }
        return try TicketKeyring(active: activeKey, retired: retiredKeys.filter { $0.id != id })
    }

    /// The code for `ticketID`, signed with the active key.
    public func mint(_ ticketID: TicketID) -> TicketCode {
        let tag = TicketSignature.tag(for: ticketID, keyID: activeKey.id, secret: activeKey.secret)
        return TicketCode(keyID: activeKey.id, ticketID: ticketID, tag: tag)
    }

    /// The code for a fresh random ticket id, signed with the active key.
    public func mint() -> TicketCode {
        mint(.random())
    }

    /// Checks a code as a consumer or scanner presents it (any case; `O`, `I`, `L` read as `0`,
    /// `1`, `1`) and returns the genuine code, or why it is not genuine.
    public func verify(_ text: String) throws(TicketCodeError) -> TicketCode {
        let parts = try UnverifiedTicketCode(parsing: text)
        guard let key = keysByID[Int(parts.keyID.rawValue)] else { throw .unknownKeyID(parts.keyID) }
        let expected = TicketSignature.tag(for: parts.ticketID, keyID: key.id, secret: key.secret)
        guard TicketSignature.matches(expected, parts.tag) else { throw .badSignature }
        return TicketCode(keyID: parts.keyID, ticketID: parts.ticketID, tag: expected)
    }
}
