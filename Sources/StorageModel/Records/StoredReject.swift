import Foundation

/// A dead letter as listed by `brightkitchen rejects`.
public struct StoredReject: Sendable, Hashable {
    public var id: Int64
    public var record: RejectRecord

    public init(id: Int64, record: RejectRecord) {
        self.id = id
        self.record = record
    }
}
