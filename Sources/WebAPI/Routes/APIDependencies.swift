import Gateway
import KitchenModel
import KitchenRules
import Storage
import StorageModel

/// What the HTTP layer reads from; tests build it without a broker.
public struct APIDependencies: Sendable {
    public var model: StateModel
    public var store: any GatewayStore
    public var metrics: GatewayMetrics
    public var clock: any WallClock
    /// The closed loop; nil in tests that only read state.
    public var alarms: AlarmEngine?
    /// Batches, tickets and the keyring; nil in tests that do not sell anything.
    public var traceability: TraceabilityService?
    /// Liveness facts for `/healthz` (broker connection, write queue).
    public var health: @Sendable () -> HealthReport
    /// Per client address on the public lookup routes (`/t/`, `/T/`, `/api/v1/tickets/`, `/01/`).
    /// Per client address on the public lookup; nil switches it off (a proxy in front limits, or a benchmark).
    public var lookupRateLimit: RateLimit? = RateLimit.publicLookup
    /// The alarm rules' limits, drawn as lines on the dashboard's temperature charts.
    public var rules = RuleConfig()
    /// Failed logins and unknown bearer tokens per client address; nil switches the limit off.
    public var authFailureLimit: RateLimit? = RateLimit.failedAuth
    /// Reverse proxies whose `X-Forwarded-Proto`/`X-Forwarded-For` are believed (`--trusted-proxy`).
    public var trustedProxies = TrustedProxies.none
    /// The gateway itself serves HTTPS (`buildApplication` sets it with TLS files): session
    /// cookies are `Secure` and responses carry `Strict-Transport-Security`.
    public var servesHTTPS = false
    /// How long a dashboard session lasts without a request, and at most.
    public var sessionLifetime = SessionLifetime.standard

    public init(model: StateModel, store: any GatewayStore, metrics: GatewayMetrics, clock: any WallClock,
                alarms: AlarmEngine? = nil, traceability: TraceabilityService? = nil, health: @escaping @Sendable () -> HealthReport) {
        self.model = model
        self.alarms = alarms
        self.traceability = traceability
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.health = health
    }
}

public struct HealthReport: Sendable, Encodable {
    public var status: String
    public var mqttConnected: Bool
    public var writeQueue: Int

    public init(mqttConnected: Bool, writeQueue: Int) {
        self.status = mqttConnected ? "ok" : "degraded"
        self.mqttConnected = mqttConnected
        self.writeQueue = writeQueue
    }

    enum CodingKeys: String, CodingKey {
        case status, mqttConnected = "mqtt_connected", writeQueue = "write_queue"
    }
}
