import KitchenModel
import Testing

@Suite("DeviceSource validation")
struct DeviceSourceTests {
    @Test("the kind a source gives its registry device")
    func kinds() throws {
        #expect(try DeviceSource(family: "tasmota", id: "th-1").kind == .thermo)
        #expect(try DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15)).kind == .disinfector)
        #expect(try DeviceSource(family: "zigbee2mqtt", id: "kitchen/fridge 2").kind == .thermo)
        #expect(try DeviceSource(family: "shelly", id: "shellyplusht-b8d61a8b17cc", sensor: "100").kind == .thermo)
        let camera = try FrigateCamera(detectWidth: 1280, detectHeight: 720)
        let frigate = try DeviceSource(family: "frigate", id: "back_door", camera: camera)
        #expect(frigate.kind == .camera)
        #expect(frigate.instance == "frigate")
    }

    @Test("a DS18x20 probe Id is normalised to upper case")
    func probe() throws {
        #expect(try DeviceSource(family: "tasmota", id: "th-1", probe: "000008bd38bf").sensor == .probe("000008BD38BF"))
    }

    /// Each builder throws; closures because the initialisers are what is under test.
    static var invalidSources: [(() throws -> DeviceSource, String)] { [
        ({ try DeviceSource(family: "sonoff", id: "x") }, "source.family: must be one of tasmota, zigbee2mqtt, shelly, frigate, isapi, gat1400, got 'sonoff'"),
        ({ try DeviceSource(family: "tasmota", id: "tele/x") }, "source.id: 'tele/x' must be one topic segment (no /)"),
        ({ try DeviceSource(family: "tasmota", id: "a+b") }, "source.id: 'a+b' must not contain MQTT wildcards (+ #) or control characters"),
        ({ try DeviceSource(family: "zigbee2mqtt", id: "bridge/state") }, "source.id: friendly name 'bridge/state' collides with zigbee2mqtt's own topics"),
        ({ try DeviceSource(family: "zigbee2mqtt", id: "a//b") }, "source.id: friendly name 'a//b' has an empty segment"),
        ({ try DeviceSource(family: "zigbee2mqtt", id: "t", sensor: "x") }, "source.sensor: zigbee2mqtt sources have no sensor selection"),
        ({ try DeviceSource(family: "shelly", id: "s", sensor: "temperature:0") }, "source.sensor: a Shelly sensor is a component id such as 0 or 100, got 'temperature:0'"),
        ({ try DeviceSource(family: "tasmota", id: "t", sensor: "DS18B20-1", probe: "01") }, "source.sensor: give either sensor or probe, not both"),
        ({ try DeviceSource(family: "tasmota", id: "t", probe: "xyz") }, "source.probe: must be the probe's hexadecimal Id as Tasmota shows it (e.g. 000008BD38BF), got 'xyz'"),
        ({ try DeviceSource(family: "frigate", id: "cam") }, "source.detect: a Frigate camera needs its detect width and height (Frigate's cameras.cam.detect.width/height) to turn pixel boxes into fractions"),
        ({ try DeviceSource(family: "frigate", id: "cam", instance: "tele", camera: FrigateCamera(detectWidth: 640, detectHeight: 480)) }, "source.instance: 'tele' collides with another family's topics"),
        ({ try DeviceSource(family: "shelly", id: "s", plug: PlugDisinfector(runWatts: 10)) }, "source.plug: plug-to-disinfector binding is supported for tasmota sources only"),
        ({ try DeviceSource(family: "tasmota", id: "t", plug: PlugDisinfector(runWatts: 0)) }, "source.plug.run_w: must be above 0 and at most 10000 W, got 0.0"),
        ({ try DeviceSource(family: "tasmota", id: "t", plug: PlugDisinfector(runWatts: 10, faultBelowWatts: 20)) }, "source.plug.fault_below_w: must be between 0 and run_w (10.0), got 20.0"),
        ({ try DeviceSource(family: "tasmota", id: "t", plug: PlugDisinfector(runWatts: 10, mode: "bleach")) }, "source.plug.mode: must be one of uv, steam, infrared, ozone, dishwasher, got 'bleach'"),
        ({ try DeviceSource(family: "frigate", id: "c", camera: FrigateCamera(detectWidth: 0, detectHeight: 720)) }, "source.detect: width and height must be 1-16384 pixels, got 0x720"),
        ({ try DeviceSource(family: "frigate", id: "c", camera: FrigateCamera(detectWidth: 640, detectHeight: 480, labels: ["cat": "Cat!"])) }, "source.labels: 'cat' maps to 'Cat!', which is not a label of a-z 0-9 _"),
    ] }

    @Test("invalid sources name the field and the fix")
    func invalid() {
        for (make, message) in Self.invalidSources {
            do {
                let made = try make()
                Issue.record("expected '\(message)', got \(made)")
            } catch {
                #expect((error as? DeviceSourceError)?.description == message)
            }
        }
    }

    @Test("configured labels merge over the defaults; an empty mapping drops a label")
    func labels() throws {
        let camera = try FrigateCamera(detectWidth: 640, detectHeight: 480, labels: ["cat": "pest", "mouse": ""])
        #expect(camera.canonicalLabel(for: "rat") == "rodent")
        #expect(camera.canonicalLabel(for: "cat") == "pest")
        #expect(camera.canonicalLabel(for: "mouse") == nil)
        #expect(camera.canonicalLabel(for: "car") == nil)
        #expect(camera.canonicalLabel(for: "person") == "person")
    }
}
