import Foundation
import KitchenModel

/// How long a dashboard sign-in lasts: it ends after `idleMillis` without a request, and
/// `absoluteMillis` after the login whatever happens.
public struct SessionLifetime: Sendable, Equatable {
    public var idleMillis: EpochMillis
    public var absoluteMillis: EpochMillis

    public init(idleMillis: EpochMillis, absoluteMillis: EpochMillis) {
        self.idleMillis = idleMillis
        self.absoluteMillis = absoluteMillis
    }

    /// 12 hours idle (a working day's gap), 7 days at most.
    public static let standard = SessionLifetime(idleMillis: 12 * 3_600_000, absoluteMillis: 7 * 86_400_000)
}
