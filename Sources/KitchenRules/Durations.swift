import KitchenModel

/// Millisecond arithmetic for `EpochMillis`; configuration speaks seconds, rules compare millis.
enum Millis {
    static let second: EpochMillis = 1_000
    static let minute: EpochMillis = 60 * second
    static let hour: EpochMillis = 60 * minute
    static let day: EpochMillis = 24 * hour

    static func seconds(_ s: Int) -> EpochMillis { EpochMillis(s) * second }
    static func seconds(_ s: Double) -> EpochMillis { EpochMillis((s * 1_000).rounded()) }
}
