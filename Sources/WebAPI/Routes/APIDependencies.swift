import GatewayPorts
import KitchenModel
import KitchenRules
import Ledgers
import StorageModel

/// What the HTTP layer reads from and acts on: the running gateway through the narrow
/// protocols of `GatewayPorts` (the composition root hands in `StateModel`, `AlarmEngine`,
/// `TraceabilityService` and `GatewayMetrics`; tests hand in the same real types over a real
/// store), never an optional stand-in.
public struct APIDependencies: Sendable {
    /// The live state model: sites, devices and their views.
    public var sites: any SiteStateViews
    public var store: any GatewayStore
    public var metrics: any MetricsExposition
    public var clock: any WallClock
    /// The closed loop: the actions people take and the live open alarms.
    public var alarms: any AlarmActions & OpenAlarms
    /// Batches, ticket codes and the batch cache's versions.
    public var traceability: any TraceabilityDesk
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
    /// The kitchen ledgers' chain (docs/ledgers.md), signing with the gateway's ticket keyring.
    public var ledgers: LedgerBook
    /// 晨检 thresholds (fever at 37.3 °C unless configured).
    public var morningCheckRules = MorningCheckRules()
    /// Public cameras' latest frames for the open-kitchen page (`serve` hands in the camera service's).
    public var publicPictures = PublicPictures()
    /// Cameras pushing over HTTP (ISAPI, GA/T 1400); nil answers their routes 503.
    public var cameraPush: (any CameraPushPort)?
    /// One-click voice warnings on alarm cameras (`POST /api/v1/alarms/{id}/voice`); nil answers 503.
    public var voice: (any VoiceWarningPort)?
    /// Public ratings and complaints: their feed, holiday calendar, limits and counters.
    public var feedback = FeedbackSettings()

    public init(sites: any SiteStateViews, store: any GatewayStore, metrics: any MetricsExposition, clock: any WallClock,
                alarms: any AlarmActions & OpenAlarms, traceability: any TraceabilityDesk, ledgers: LedgerBook,
                health: @escaping @Sendable () -> HealthReport) {
        self.ledgers = ledgers
        self.sites = sites
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
    /// "ok", or why the store refuses commits (unreachable, full): ingest then stops acknowledging
    /// durable messages and the broker keeps them until the store is back.
    public var database: String
    public var databaseFailingSeconds: Double?

    /// `databaseFailure`: the error of the commits failing now and for how long (nil when they succeed).
    public init(mqttConnected: Bool, writeQueue: Int, databaseFailure: (error: String, seconds: Double)? = nil) {
        self.status = mqttConnected && databaseFailure == nil ? "ok" : "degraded"
        self.mqttConnected = mqttConnected
        self.writeQueue = writeQueue
        self.database = databaseFailure.map { "unavailable: \($0.error)" } ?? "ok"
        self.databaseFailingSeconds = databaseFailure.map { ($0.seconds * 10).rounded() / 10 }
    }

    /// Whether a load balancer should send traffic here.
    public var isHealthy: Bool { status == "ok" }

    enum CodingKeys: String, CodingKey {
        case status, mqttConnected = "mqtt_connected", writeQueue = "write_queue", database
        case databaseFailingSeconds = "database_failing_seconds"
    }
}
