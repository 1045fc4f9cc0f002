import Foundation
import Gateway
import KitchenModel
import TestSupport
import Testing

/// `brightkitchen devices discover` against a real broker: what devices publish while it
/// watches becomes registry YAML that the registry loader accepts as it is.
@Suite(.serialized) struct DiscoverCommandTests {
    @Test func proposesRegistryEntriesForWhatTheBrokerCarries() async throws {
        let bench = try GatewayBench()
        defer { bench.tearDown() }
        let things = try bench.deviceClient("things")
        defer { things.stop() }
        func publish(_ topic: String, _ payload: String, retain: Bool = false) throws {
            _ = try things.publish(topic: topic, payload: Array(payload.utf8), qos: 1, retain: retain)
        }
        // Retained, as Tasmota's LWT is: seen the moment discover subscribes.
        try publish("tele/kitchen-th1/LWT", "Online", retain: true)

        let discover = try ChildProcess(executable: bench.binary, arguments: [
            "devices", "discover", "--seconds", "5", "--broker", bench.broker.url, "--site", "canteen-01",
        ], logDirectory: bench.dir.path)
        defer { discover.kill() }
        #expect(eventually(timeout: .seconds(10)) { discover.stderr.contains("watching") }, "progress is shown")
        // The retained LWT arrives only once the subscription is in place: then publish the rest.
        #expect(eventually(timeout: .seconds(10)) { discover.stderr.contains("1 messages") })

        try publish("tele/kitchen-th1/SENSOR", #"{"Time":"2025-11-22T10:40:30","AM2301":{"Temperature":3.4,"Humidity":70},"TempUnit":"C"}"#)
        try publish("zigbee2mqtt/store/dry shelf", #"{"temperature":18.4,"humidity":55.2,"battery":97}"#)
        try publish("shellyplusht-b8d61a8b17cc/events/rpc",
                    #"{"method":"NotifyStatus","params":{"ts":1763779250.1,"temperature:0":{"id":0,"tC":-18.2}}}"#)
        try publish("frigate/events", #"{"type":"new","after":{"id":"1763779250.4-abc","camera":"kitchen_back","label":"mouse","score":0.7,"box":[1,2,3,4],"current_zones":[],"false_positive":false}}"#)
        try publish("bk/v1/canteen-01/fridge-9/birth", #"{"kind":"thermo","model":"bk-th1","fw":"1.4.2","boot":3,"interval_s":60}"#)

        #expect(eventually(timeout: .seconds(15)) { !discover.isRunning })
        #expect(discover.process.terminationStatus == 0, "\(discover.stderr)")
        let yaml = discover.stdout
        #expect(yaml.contains("# tasmota 'kitchen-th1' sensor AM2301: AM2301 Humidity 70 %, AM2301 Temperature 3.4 °C; online"), "\(yaml)")
        #expect(discover.stderr.contains("5 devices"), "\(discover.stderr)")

        // The proposals load as they are, under the site they were proposed for.
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106"}
            """ + "\n" + yaml)
        let site = SiteID("canteen-01")!
        let sources = registry.devices.values.compactMap(\.source)
        #expect(Set(sources.map(\.family)) == [.tasmota, .zigbee2mqtt, .shelly, .frigate])
        #expect(sources.first { $0.family == .tasmota }?.sensor == .key("AM2301"))
        #expect(registry.devices.values.first { $0.source?.family == .shelly }?.zone == .freezer)
        #expect(registry.device(DeviceKey(site: site, device: DeviceID("fridge-9")!))?.kind == .thermo)
        #expect(registry.devices.count == 5)
    }
}
