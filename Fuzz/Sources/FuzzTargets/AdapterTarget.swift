import DeviceAdapters
import DeviceIngest
import KitchenModel

/// `ThirdPartyRouter.adapt`, the gateway's entry point for Tasmota, zigbee2mqtt, Shelly and
/// Frigate messages, on `<topic>\n<payload>`: each family's topic parser, JSON reader, clock
/// reading, availability words (`PlainTextPayload`), plug-run tracking and Frigate snapshot ids.
/// Each input starts from a fresh router and is delivered twice, a second apart, so the state
/// a first message leaves behind (a plug run, a snapshot id) meets a second one.
public enum AdapterTarget {
    static func key(_ id: String) -> DeviceKey {
        DeviceKey(site: SiteID("canteen-01")!, device: DeviceID(id)!)
    }

    /// One binding of every shape the registry allows: several probes on one Tasmota, a plug,
    /// zigbee2mqtt and Shelly thermometers, Frigate cameras on the default and a nested instance.
    static let fresh: ThirdPartyRouter = {
        do {
            return ThirdPartyRouter(bindings: try SourceBindings([
                key("fridge-1"): DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-1"),
                key("freezer-1"): DeviceSource(family: "tasmota", id: "probes", probe: "000008BD9714"),
                key("room"): DeviceSource(family: "tasmota", id: "probes"),
                key("uv"): DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15)),
                key("dry"): DeviceSource(family: "zigbee2mqtt", id: "store/dry shelf"),
                key("ht"): DeviceSource(family: "shelly", id: "shellyplusht-b8d61a8b17cc"),
                key("cam"): DeviceSource(family: "frigate", id: "kitchen_back",
                                         camera: FrigateCamera(detectWidth: 1280, detectHeight: 720)),
                key("cam-2"): DeviceSource(family: "frigate", id: "stall_row", instance: "nvr/site1",
                                           camera: FrigateCamera(detectWidth: 640, detectHeight: 480,
                                                                 labels: ["rat": "rodent"], zones: ["prep"])),
            ]))
        } catch {
            fatalError("fuzz bindings: \(error)")
        }
    }()
    static let boundKeys: Set<DeviceKey> = [
        key("fridge-1"), key("freezer-1"), key("room"), key("uv"), key("dry"), key("ht"), key("cam"), key("cam-2"),
    ]
    static let receivedAt: EpochMillis = 1_763_779_260_000

    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let (topic, payload) = FuzzInput.topicAndPayload(input)
        var router = fresh
        for delay: EpochMillis in [0, 1000] {
            let outcome = router.adapt(topic: topic, payload: payload, receivedAt: receivedAt + delay)
            switch outcome {
            case .notThirdParty, .ignored, .rejected, .unmapped:
                break
            case .messages(let made, let problems):
                try require(!topic.hasPrefix("bk/"), "a native topic was adapted: \(topic)")
                try require(!made.isEmpty, "an empty message list for \(topic)")
                for adapted in made {
                    try require(boundKeys.contains(adapted.message.key), "\(topic) fed unbound \(adapted.message.key)")
                    try require(adapted.message.sequence == nil, "a third-party message carries a seq")
                }
                for problem in problems {
                    try require(boundKeys.contains(problem.key), "\(topic) names unbound \(problem.key)")
                }
            }
        }
    }
}
