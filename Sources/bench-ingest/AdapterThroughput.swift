import DeviceAdapters
import Foundation
import KitchenModel

/// Third-party messages per second through `ThirdPartyRouter.adapt` alone (issue 6): a mix of
/// a three-probe Tasmota SENSOR, a Tasmota plug's ENERGY, zigbee2mqtt and Shelly thermometers,
/// a Frigate event, and an unmapped Tasmota, all as their projects publish them. One core, no I/O.
struct AdapterThroughput {
    let messages: Int

    func run() throws {
        let site = SiteID("canteen-01")!
        func key(_ id: String) -> DeviceKey { DeviceKey(site: site, device: DeviceID(id)!) }
        var router = ThirdPartyRouter(bindings: try SourceBindings([
            key("fridge-1"): DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-1"),
            key("freezer-1"): DeviceSource(family: "tasmota", id: "probes", probe: "000008BD9714"),
            key("hot-1"): DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-3"),
            key("uv"): DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15)),
            key("dry"): DeviceSource(family: "zigbee2mqtt", id: "store/dry shelf"),
            key("ht"): DeviceSource(family: "shelly", id: "shellyplusht-b8d61a8b17cc"),
            key("cam"): DeviceSource(family: "frigate", id: "kitchen_back",
                                     camera: FrigateCamera(detectWidth: 1280, detectHeight: 720)),
        ]))
        let mix: [(String, [UInt8])] = [
            ("tele/probes/SENSOR", #"{"Time":"2025-11-22T10:40:30","DS18B20-1":{"Id":"000008BD38BF","Temperature":3.1},"DS18B20-2":{"Id":"000008BD9714","Temperature":-18.5},"DS18B20-3":{"Id":"000008C02C3A","Temperature":65.2},"TempUnit":"C"}"#),
            ("tele/uv-plug/SENSOR", #"{"Time":"2025-11-22T10:40:30","ENERGY":{"TotalStartTime":"2025-01-01T00:00:00","Total":12.3,"Yesterday":0.2,"Today":0.1,"Power":34,"ApparentPower":36,"ReactivePower":10,"Factor":0.94,"Voltage":229,"Current":0.157}}"#),
            ("zigbee2mqtt/store/dry shelf", #"{"battery":97,"humidity":55.2,"linkquality":96,"temperature":18.4,"voltage":3005}"#),
            ("shellyplusht-b8d61a8b17cc/events/rpc", #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus","params":{"ts":1763779250.42,"temperature:0":{"id":0,"tC":4.2,"tF":39.6}}}"#),
            ("frigate/events", #"{"type":"update","before":{"id":"1763779250.475377-mxklsc","camera":"kitchen_back","label":"rat","score":0.8,"top_score":0.8,"box":[320,360,480,540],"current_zones":[],"false_positive":false,"frame_time":1763779250.4},"after":{"id":"1763779250.475377-mxklsc","camera":"kitchen_back","label":"rat","score":0.84,"top_score":0.84,"box":[320,360,480,540],"current_zones":[],"false_positive":false,"frame_time":1763779250.5}}"#),
            ("tele/new-plug/SENSOR", #"{"Time":"2025-11-22T10:40:30","ENERGY":{"Power":52}}"#),
        ].map { ($0.0, Array($0.1.utf8)) }
        var adapted = 0
        let start = ContinuousClock.now
        for i in 0..<messages {
            let (topic, payload) = mix[i % mix.count]
            if case .messages(let made, _) = router.adapt(topic: topic, payload: payload, receivedAt: 1_763_779_260_000 + Int64(i)) {
                adapted += made.count
            }
        }
        let elapsed = seconds(start.duration(to: .now))
        print("Adapters: \(messages) third-party messages (\(mix.count)-message mix) in "
            + String(format: "%.2f s: %.0f messages/s, %.0f canonical messages/s, %.2f µs per message",
                     elapsed, Double(messages) / elapsed, Double(adapted) / elapsed, elapsed / Double(messages) * 1e6))
    }
}
