import DeviceIngest
import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import StorageModel

/// Everything `serve` and `demo` need to start a gateway. Defaults are the embedded
/// ones: a private mosquitto and a SQLite file under `./data`.
public struct GatewayConfiguration: Sendable {
    /// The registry YAML (sites and devices).
    public var registryPath: String
    /// `mqtt://user:pass@host:port` of an external broker; nil starts a private mosquitto.
    public var brokerURL: String?
    /// `--database`: a SQLite file (or `sqlite:PATH`) or a `postgres://` URL (`StoreLocation`).
    public var database: String
    /// `--database-password-file`: the PostgreSQL password, kept off the command line.
    public var databasePasswordFile: String?
    /// Where the embedded broker keeps its config, log and persistence.
    public var dataDirectory: String
    /// Embedded broker only: refuse anonymous clients and confine each device to its own topics
    /// with the accounts `brightkitchen devices provision` wrote (docs/operations.md, Broker security).
    /// `serve` turns it on by default; off here so embedding code and tests opt in.
    public var secureBroker = false
    /// Embedded broker only: a second, TLS-only listener for devices (`mqtts://`); the gateway
    /// itself keeps using the plain loopback listener. Nil: loopback only.
    public var brokerTLS: BrokerTLS?
    /// Serve HTTPS with these files instead of plain HTTP.
    public var httpTLS: TLSFiles?
    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    /// Names the gateway's MQTT client id and its `bk/v1/_gateway/<id>/state` topic.
    public var gatewayID = "gw1"
    /// Accept unknown devices that send a birth (for installers).
    public var provisioning = false
    /// Whatever is set here, batches and tickets are kept at least the legal minimum.
    public var retention = RetentionPolicy() {
        didSet { retention.traceabilityDays = RetentionRules.traceabilityDays(requested: retention.traceabilityDays) }
    }
    /// How often retention deletes what outlived `retention`, in its own service (never in the 1 s tick).
    public var retentionInterval: Duration = .seconds(3600)
    /// The first retention run comes this long after start, once the start's own work is done.
    public var retentionFirstRun: Duration = .seconds(60)
    public var writer = BatchWriter.Options()
    public var limits = IngestLimits()
    public var model = StateModel.Options()
    /// Alarm rule defaults and overrides (docs/rules.md).
    public var rules = RuleConfig()
    /// Camera analysis thresholds and the camera service's bounds (the `camera:` block of the rules file).
    public var camera = CameraServiceConfig()
    /// Receivers of every alarm transition, besides the MQTT topics.
    public var webhooks: [Webhook] = []
    /// The ticket keyring; nil means `ticket-keys` beside the database file, created on first start
    /// of a store that has no tickets (`TicketKeyCheck`). Required when the store is not a file.
    public var ticketKeysPath: String?
    /// Where consumers reach the lookup page (`<publicURL>/t/<code>`); nil means this gateway's
    /// own HTTP address. Printed in every QR code: set it before the first ticket.
    public var publicURL: String?
    /// How often the registry file is checked for changes (SIGHUP reloads at once).
    public var registryPollInterval: Duration = .seconds(2)
    /// How often the grading stage looks whether last night's grades are due (docs/rules.md, "Grades").
    public var gradingCheckInterval: Duration = .seconds(300)
    /// Voice-warning clips, `<label>.ulaw` / `.wav` (`scripts/make-voice-clips`; operators may replace them).
    public var voiceClipsDirectory = "voice/clips"
    /// Set by `serve --role ingest` for each shard it owns; nil: the whole registry (every other start).
    public var shard: ShardScope?
    /// `serve --role ingest --vision external`: `serve --role vision` workers analyse frames and poll
    /// snapshots; this runtime applies their results (`VisionResultIntake`) and decodes no frame.
    public var visionExternal = false

    public init(registryPath: String, brokerURL: String? = nil, database: String = "./data/brightkitchen.sqlite",
                dataDirectory: String = "./data") {
        self.registryPath = registryPath
        self.brokerURL = brokerURL
        self.database = database
        self.dataDirectory = dataDirectory
    }

    /// Nil only for a store that is not a file (PostgreSQL) and no `ticketKeysPath`.
    public var resolvedTicketKeysPath: String? {
        ticketKeysPath ?? TicketKeyCheck.defaultKeyringPath(database: database)
    }

    public var resolvedPublicURL: String { publicURL ?? "\(httpTLS == nil ? "http" : "https")://\(httpHost):\(httpPort)" }

    public var mqttClientID: String { "brightkitchen-\(gatewayID)" }
    public var gatewayStateTopic: String { Topic.gatewayState(gatewayID: gatewayID).description }
}

/// Where the embedded broker's TLS listener binds, and its certificate.
public struct BrokerTLS: Sendable, Equatable {
    public static let defaultPort = 8883

    public var files: TLSFiles
    /// `0.0.0.0` (every interface) unless given: the point of the listener is the network.
    public var host: String
    public var port: Int

    public init(files: TLSFiles, host: String = "0.0.0.0", port: Int = BrokerTLS.defaultPort) {
        self.files = files
        self.host = host
        self.port = port
    }
}
