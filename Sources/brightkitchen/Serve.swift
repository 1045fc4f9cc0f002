import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import KitchenModel
import Logging
import ServiceLifecycle
import WebAPI

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gateway: MQTT ingest, state model, storage and the HTTP API.")

    @OptionGroup var options: GatewayOptions

    @Flag(help: """
        Let the embedded broker accept anonymous clients on any topic, as before broker security         (env BK_INSECURE_BROKER=1). Default: only accounts from `devices provision`, each device confined to its own topics.
        """)
    var insecureBroker = false

    @Flag(help: """
        Start although ticket QR codes carry a loopback URL (no --public-url, or 127.x, ::1, localhost, \
        0.0.0.0) that no phone can open (env BK_ALLOW_LOOPBACK_PUBLIC_URL=1). For trials on one machine.
        """)
    var allowLoopbackPublicUrl = false

    @Option(help: """
        all: the whole gateway in one process (default). ingest: MQTT ingest only, for the shards this \
        instance leases in PostgreSQL (needs a postgres:// --database and --broker; docs/scale-out.md). \
        web: HTTP only, served from a postgres:// --database (no MQTT subscription). \
        vision: camera analysis only, for the camera groups this instance leases (same needs).
        """)
    var role: ServeRole = .all

    @OptionGroup var visionOptions: VisionOptions

    func run() async throws {
        let logger = options.makeLogger(label: "brightkitchen")
        var configuration = try options.configuration(defaultConfig: "brightkitchen.yaml", defaultDataDir: "./data")
        let insecure = insecureBroker || ["1", "true"].contains(ProcessInfo.processInfo.environment["BK_INSECURE_BROKER"] ?? "")
        configuration.secureBroker = !insecure && configuration.brokerURL == nil
        guard FileManager.default.fileExists(atPath: configuration.registryPath) else {
            throw ValidationError("""
                no registry at '\(configuration.registryPath)': pass --config FILE (or BK_CONFIG); \
                docs/operations.md (Registry) shows the format
                """)
        }
        if PublicURLReach.isLoopback(configuration.publicURL) {
            let allowed = allowLoopbackPublicUrl
                || ["1", "true"].contains(ProcessInfo.processInfo.environment["BK_ALLOW_LOOPBACK_PUBLIC_URL"] ?? "")
            guard allowed else {
                throw ValidationError(PublicURLReach.refusal(configuration.resolvedPublicURL,
                                                             given: configuration.publicURL != nil))
            }
            // Unbuffered on stderr, before anything else starts: it must not scroll past unseen.
            FileHandle.standardError.write(Data(PublicURLReach.warning(configuration.resolvedPublicURL).utf8))
            logger.warning("ticket QR codes carry a loopback URL", metadata: ["public_url": "\(configuration.resolvedPublicURL)"])
        }
        try checkVisionPlacement()
        configuration.visionExternal = visionOptions.vision == .external
        if role == .vision { return try await runVision(configuration, logger: logger) }
        if role == .ingest { return try await runIngest(configuration, logger: logger) }
        if role == .web { return try await runWeb(configuration, logger: logger) }
        let runtime = try GatewayRuntime(configuration: configuration, logger: logger)
        try await runGateway(runtime, lookupRateLimit: try options.lookupLimit(), trustedProxies: try options.trustedProxies(),
                             holidays: try options.holidayCalendar(), logger: logger)
    }
}

/// Serves HTTP with the gateway's services in one group until SIGINT/SIGTERM (or until a
/// `DeadlineService` among `extraServices` ends, which shuts the group down gracefully).
func runGateway(_ runtime: GatewayRuntime, extraServices: [any Service] = [], lookupRateLimit: RateLimit?,
                trustedProxies: TrustedProxies = .none, holidays: HolidayCalendarFile? = nil, logger: Logger) async throws {
    for problem in runtime.store.permissionWarnings() {
        logger.warning("database files are open to other users", metadata: ["problem": "\(problem)"])
    }
    var dependencies = APIDependencies(
        sites: runtime.model, store: runtime.store, metrics: runtime.metrics, clock: runtime.clock,
        alarms: runtime.alarms, traceability: runtime.traceability, ledgers: runtime.ledgers,
        health: { runtime.healthReport() })
    dependencies.lookupRateLimit = lookupRateLimit
    dependencies.trustedProxies = trustedProxies
    dependencies.rules = runtime.configuration.rules
    dependencies.publicPictures = runtime.camera.pictures
    dependencies.cameraPush = CameraPushIntake(pipeline: runtime.pipeline, metrics: runtime.metrics, clock: runtime.clock,
                                               logger: logger)
    dependencies.voice = runtime.voice
    // Ratings and complaints: steps published like alarms, counted in the gateway's /metrics.
    dependencies.feedback.feed = runtime.complaintFeed
    dependencies.feedback.metrics = FeedbackMetrics(registry: runtime.metrics.registry)
    if let holidays { dependencies.feedback.calendar = holidays }
    let c = runtime.configuration
    logger.notice("gateway starting", metadata: [
        "http": "\(c.httpTLS == nil ? "http" : "https")://\(c.httpHost):\(c.httpPort)", "broker": "\(runtime.brokerURL)",
        "broker_tls": "\(runtime.broker?.tlsURL ?? "none")", "database": "\(c.database)",
    ])
    let app = try buildApplication(dependencies, host: c.httpHost, port: c.httpPort, tls: c.httpTLS, services: [],
                                   logger: logger)
    // One group, started in order and shut down in reverse: the gateway's stages (broker first),
    // then HTTP once they have all started, then extras (simulator). Shutdown: extras, HTTP, the
    // gateway's MQTT client, the batch writer and the broker last.
    let services: [ServiceGroupConfiguration.ServiceConfiguration] =
        runtime.services().map { .init(service: $0) } + [.init(service: AfterGatewayStarted(runtime, app))]
        + [.init(service: ComplaintClockService(dependencies, logger: logger))]
        + extraServices.map { service in
            .init(service: service, successTerminationBehavior: service is DeadlineService ? .gracefullyShutdownGroup : .cancelGroup)
        }
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                  logger: logger))
    try await group.run()
}
