import DeviceSimulator
import Foundation
import KitchenModel
import Logging
import MQTTClient
import Synchronization
import TestSupport
import Testing

/// A gateway stand-in: subscribes to `bk/v1/#` and keeps everything it receives.
final class TopicRecorder: Sendable {
    let client: MQTTClient
    private let received = Mutex<[MQTTMessage]>([])

    init(url: String, clientID: String = "test-recorder") throws {
        client = try MQTTClient(configuration: MQTTConfiguration.parse(url: url, clientID: clientID),
                                logger: quietLogger)
    }

    /// Subscribes and connects; returns once the broker has accepted us.
    func start() async throws {
        client.onMessage { [weak self] message in self?.received.withLock { $0.append(message) } }
        try client.subscribe("bk/v1/#", qos: 1)
        try await client.connect(timeout: .seconds(5))
        // Let the SUBACK land before the fleet starts publishing.
        try await Task.sleep(for: .milliseconds(100))
    }

    func stop() { client.stop() }

    var messages: [MQTTMessage] { received.withLock { $0 } }

    func messages(site: String, device: String, channel: String) -> [MQTTMessage] {
        let key = DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
        return messages.filter {
            guard case .device(key, let c) = try? Topic.parse($0.topic) else { return false }
            return c.description == channel
        }
    }

    /// Telemetry, events and weighings of one device, in arrival order.
    func sequenced(site: String, device: String) -> [Sequenced] {
        let key = DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
        return messages.compactMap { message in
            guard case .device(key, let channel) = try? Topic.parse(message.topic),
                  [.telemetry, .event, .weigh].contains(channel),
                  let json = message.json, let seq = json["seq"] as? Int64, let boot = json["boot"] as? Int64
            else { return nil }
            return Sequenced(seq: seq, boot: boot, topic: message.topic, payload: message.payload, json: json)
        }
    }

    /// Polls until `condition` holds or the timeout passes.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: (TopicRecorder) -> Bool) async -> Bool {
        await eventually(timeout: timeout) { () async in condition(self) }
    }

    func send(_ command: DeviceCommand, site: String, device: String) throws {
        try client.publish(topic: Topic.device(site: site, device: device, .cmd)!.description, payload: command.jsonBytes(), qos: 1)
    }
}

struct Sequenced {
    let seq: Int64
    let boot: Int64
    let topic: String
    let payload: [UInt8]
    let json: [String: Any]
}

extension MQTTMessage {
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any]
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "DeviceSimulatorTests")
    logger.logLevel = .warning
    return logger
}()

/// The profiles shipped in `devices/`, found from this file whether the tests run in the
/// repository or through a symlinked scratch package.
let devicesFolder: String = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("devices").path

/// Two thermometers that report once a day, so nothing but the test's own bursts and commands
/// produces sequenced messages.
let quietThermoProfile = """
    site: {id: test-site, name: 测试厨房, kind: canteen, region: "420106", hours: "00:00-24:00"}
    devices:
      - {id: fridge-1, kind: thermo, zone: cold, interval_s: 86400, model: BK-T1, fw: "1.4.2"}
      - {id: freezer-1, kind: thermo, zone: freezer, interval_s: 86400, model: BK-T1F, fw: "1.4.2"}
    """

/// One device of each kind, busy enough at speed 60 to show every message type within seconds.
let busyProfile = """
    site: {id: busy-site, name: 忙碌厨房, kind: canteen, region: "420106", hours: "00:00-24:00"}
    devices:
      - {id: fridge-1, kind: thermo, zone: cold, interval_s: 10, model: BK-T1, fw: "1.4.2"}
      - id: cabinet-1
        kind: disinfector
        interval_s: 10
        model: BK-DC3
        fw: "3.0.4"
        mode: infrared
        every_min: 2
        run_min: 1
        heatup_min: 0.2
      - id: cam-1
        kind: camera
        interval_s: 10
        model: BK-AICam
        fw: "5.2.1"
        detections: [{label: no_hat, per_h: 120, when: any}]
      - id: scale-1
        kind: scale
        interval_s: 10
        model: BK-S1
        fw: "1.0.7"
        stall: A12
        weigh_per_h: 300
        items: [{plu: "1002", name: 青菜, unit_price_fen: 680, grams: [300, 2000], batch: b-1}]
    """

/// A broker, a recorder on it and a fleet from `yaml`; everything stopped when `body` returns.
func withFleet(_ yaml: String, configure: (inout SimulatorOptions) -> Void = { _ in },
               _ body: (Fleet, TopicRecorder, MosquittoBroker) async throws -> Void) async throws {
    let broker = try MosquittoBroker.start(logger: quietLogger)
    defer { broker.stop() }
    let recorder = try TopicRecorder(url: broker.url)
    try await recorder.start()
    defer { recorder.stop() }
    var options = SimulatorOptions(brokerURL: broker.url)
    options.seed = 42
    configure(&options)
    let fleet = try Fleet(profile: FleetProfile.parse(yaml: yaml, path: "test.yaml"), options: options, logger: quietLogger)
    try fleet.start()
    defer { fleet.stop() }
    #expect(await fleet.waitUntilOnline(timeout: .seconds(5)))
    try await body(fleet, recorder, broker)
}
