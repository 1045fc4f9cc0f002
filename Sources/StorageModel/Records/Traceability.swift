import Foundation
import KitchenModel

/// A change to a batch, as the append-only history records it.
public struct BatchChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case created, reinspected, recalled
        /// A 承诺达标合格证 was attached.
        case certified
    }

    public var kind: Kind
    public var at: EpochMillis
    public var actor: String
    /// The batch as it was after the change.
    public var batch: Batch

    public init(kind: Kind, at: EpochMillis, actor: String, batch: Batch) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.batch = batch
    }
}

/// Why a batch write was refused.
public enum BatchWriteError: Error, Equatable, CustomStringConvertible {
    case duplicate(BatchID)
    case notFound(BatchID)

    public var description: String {
        switch self {
        case .duplicate(let id): "batch '\(id)' already exists"
        case .notFound(let id): "no batch '\(id)'"
        }
    }
}

/// How many tickets a stall sold from a batch, and how much.
public struct StallSales: Sendable, Hashable, Codable {
    public var stall: String
    public var tickets: Int
    public var grams: Int
    public var totalFen: Int

    public init(stall: String, tickets: Int, grams: Int, totalFen: Int) {
        self.stall = stall
        self.tickets = tickets
        self.grams = grams
        self.totalFen = totalFen
    }

    enum CodingKeys: String, CodingKey {
        case stall, tickets, grams, totalFen = "total_fen"
    }
}
