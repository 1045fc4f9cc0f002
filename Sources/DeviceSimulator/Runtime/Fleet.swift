import Foundation
import KitchenModel
import Logging
import MQTTClient
import Synchronization

/// A running simulation of every device in a profile, each speaking protocol v1 to a broker.
public final class Fleet: Sendable {
    public let options: SimulatorOptions
    /// The sites as simulated, site copies included.
    public let sites: [SimulatedSite]
    /// The seed in use (drawn when the options gave none), to repeat a run.
    public let seed: UInt64
    let devices: [SimulatedDevice]
    let links: [DeviceLink]
    /// The link each device publishes through, by index into `devices`.
    let linkOfDevice: [Int]
    private let scheduler: FleetScheduler
    private let logger: Logger
    private let phase = Mutex(Phase.built)

    private enum Phase { case built, running, stopped }

    /// libmosquitto's loop uses select(), which refuses descriptors ≥ 1024, and each client holds
    /// three (its socket and a wake-up pair): past about 330 clients the rest never connect.
    static let connectionsPerProcess = 320

    public init(profile: FleetProfile, options: SimulatorOptions, logger: Logger) throws {
        try options.validate()
        var template = try MQTTConfiguration.parse(url: options.brokerURL, clientID: "sim")
        template.reconnectDelayMin = 1
        template.reconnectDelayMax = 5
        self.options = options
        self.logger = logger
        let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        self.seed = seed
        let everySite = try Self.expand(profile.sites, copies: options.siteCopies)
        self.sites = options.part.map { Self.slice(everySite, $0) } ?? everySite
        let clock = SimulationClock(speed: options.speed)

        // Hundreds of clients each logging "connected" drown the fleet's own log; their
        // warnings (lost connections) still show.
        var clientLogger = logger
        if clientLogger.logLevel > .debug { clientLogger.logLevel = max(clientLogger.logLevel, .notice) }

        var devices: [SimulatedDevice] = []
        var links: [DeviceLink] = []
        var linkOfDevice: [Int] = []
        for site in sites {
            let siteDevices = site.devices.map {
                SimulatedDevice(site: site, profile: $0, clock: clock, options: options, fleetSeed: seed)
            }
            if options.clientPerDevice {
                for device in siteDevices {
                    var login = template
                    var clientID = "sim-\(site.id)-\(device.key.device)"
                    if let credentials = options.credentials[device.key] {
                        login.username = credentials.username
                        login.password = credentials.password
                        clientID = credentials.username  // firmware-specs: the client id is the username
                    }
                    linkOfDevice.append(links.count)
                    links.append(DeviceLink(clientID: clientID, devices: [device], template: login,
                                            subscribeQoS: options.subscribeQoS, logger: clientLogger))
                }
            } else {
                linkOfDevice += Array(repeating: links.count, count: siteDevices.count)
                links.append(DeviceLink(clientID: "sim-\(site.id)", devices: siteDevices, template: template,
                                        subscribeQoS: options.subscribeQoS, logger: clientLogger))
            }
            devices += siteDevices
        }
        self.devices = devices
        self.links = links
        self.linkOfDevice = linkOfDevice

        // Each device's first step lands somewhere in its first interval, as if the devices had
        // been switched on at different times, so a large fleet does not report in lockstep.
        var stagger = SeededGenerator(fleetSeed: seed, name: "#stagger")
        var jobs: [(firstDelay: Duration, run: FleetScheduler.Job)] = []
        for (index, device) in devices.enumerated() {
            let link = links[linkOfDevice[index]]
            jobs.append((device.stepDuration * stagger.unit(), { device.step(on: link) }))
        }
        if let every = options.faults.disconnectEvery {
            let fault = DisconnectFault(links: links, every: every, seed: seed, logger: logger)
            jobs.append((every, { fault.strike() }))
        }
        self.scheduler = FleetScheduler(jobs: jobs)
    }

    /// The `part.index`-th of `part.count` contiguous, near-equal slices (1-based).
    static func slice(_ sites: [SimulatedSite], _ part: (index: Int, count: Int)) -> [SimulatedSite] {
        Array(sites[(part.index - 1) * sites.count / part.count ..< part.index * sites.count / part.count])
    }

    /// Copies get `-c01`, `-c02`, … so that every site id stays unique and topic-safe.
    static func expand(_ sites: [SimulatedSite], copies: Int) throws -> [SimulatedSite] {
        guard copies > 1 else { return sites }
        let width = max(2, String(copies).count)
        var expanded: [SimulatedSite] = []
        for copy in 1...copies {
            var digits = String(copy)
            while digits.count < width { digits = "0" + digits }
            for site in sites {
                let raw = "\(site.id.rawValue)-c\(digits)"
                guard let id = SiteID(raw) else {
                    throw SimulatorOptionsError(problem: "site copy id '\(raw)' is longer than 64 characters; shorten '\(site.id)'")
                }
                var copied = site
                copied.id = id
                copied.name = "\(site.name) #\(copy)"
                expanded.append(copied)
            }
        }
        return expanded
    }

    /// Connects every device (each publishes retained `state` and `birth` once accepted) and
    /// starts reporting. Returns at once; `waitUntilOnline(timeout:)` waits for the connections.
    public func start() throws {
        try phase.withLock { phase in
            guard phase == .built else {
                throw SimulatorOptionsError(problem: phase == .running ? "fleet already started" : "fleet was stopped; build a new one")
            }
            phase = .running
        }
        logger.info("starting simulated fleet", metadata: [
            "sites": "\(sites.count)", "devices": "\(devices.count)", "connections": "\(links.count)",
            "speed": "\(options.speed)", "seed": "\(seed)", "broker": .string(options.brokerURL),
        ])
        if links.count > Self.connectionsPerProcess {
            logger.warning("more simulated connections than one process can serve", metadata: [
                "connections": "\(links.count)", "limit": "\(Self.connectionsPerProcess)",
                "fix": "one connection per site (--connection-per-site), or several processes each simulating a slice (--part K/N)",
            ])
        }
        if let rate = options.connectionsPerSecond {
            connectGradually(rate: rate)
        } else {
            for link in links { try link.connect() }
        }
        scheduler.start()
    }

    /// Opens the connections `rate` a second from a thread of its own; a link stopped meanwhile
    /// is not connected (`DeviceLink.connect` checks).
    private func connectGradually(rate: Double) {
        let (links, logger) = (self.links, self.logger)
        NamedThread.start("sim-connect") {
            let start = ContinuousClock.now
            for (index, link) in links.enumerated() {
                let wait = ContinuousClock.now.duration(to: start + .seconds(Double(index) / rate))
                if wait > .zero { Thread.sleep(forTimeInterval: wait.inSeconds) }
                do {
                    try link.connect()
                } catch {
                    logger.error("simulated connection not started", metadata: ["error": "\(error)"])
                }
            }
            logger.info("every simulated connection started", metadata: ["connections": "\(links.count)"])
        }
    }

    /// Stops making new messages; the connections stay up, so what is in flight still gets through
    /// and replay requests are still answered, as by devices that keep running after a test ends.
    public func stopReporting() {
        guard phase.withLock({ $0 == .running }) else { return }
        scheduler.stop()
        logger.info("simulated fleet stopped reporting; still answering replays",
                    metadata: ["published": "\(stats.published)"])
    }

    /// Stops reporting, marks every device offline (retained) and disconnects cleanly. Idempotent.
    public func stop() {
        let wasRunning = phase.withLock { phase -> Bool in
            defer { phase = .stopped }
            return phase == .running
        }
        guard wasRunning else { return }
        scheduler.stop()
        let links = self.links
        DispatchQueue.concurrentPerform(iterations: links.count) { links[$0].stop() }
        logger.info("simulated fleet stopped", metadata: ["published": "\(stats.published)"])
    }

    /// True once every connection has been accepted (and so every device has sent its birth).
    public var isOnline: Bool { links.allSatisfy(\.isOnline) }

    public func waitUntilOnline(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isOnline {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Blocking form of `waitUntilOnline(timeout:)` for callers outside async code.
    public func blockUntilOnline(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isOnline {
            if ContinuousClock.now >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    public var stats: FleetStats {
        FleetStats(devices: devices.enumerated().map { index, device in
            device.stats(online: links[linkOfDevice[index]].isOnline)
        })
    }

    /// Every simulated device, site by site.
    public var deviceKeys: [DeviceKey] { devices.map(\.key) }

    /// Closes one device's connection without DISCONNECT, as a network failure would: the
    /// broker publishes its Will and the device reconnects with the next boot. With
    /// `clientPerDevice` off this drops the device's whole site.
    public func dropConnection(site: String, device: String) {
        guard let index = devices.firstIndex(where: { $0.key.site.rawValue == site && $0.key.device.rawValue == device })
        else { return }
        links[linkOfDevice[index]].dropConnection()
    }
}
