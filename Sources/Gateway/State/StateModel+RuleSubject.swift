import KitchenModel

/// What the alarm engine reads of a device for every message it observes.
struct RuleSubject {
    let config: DeviceConfig
    let intervalSeconds: Int
    let site: SiteConfig

    var key: DeviceKey { config.key }
}

extension StateModel {
    /// The device's config, interval and site in one read of the model: on the MQTT thread's
    /// path, a copy of the whole `DeviceState` and a second lock per message were measurable
    /// (issue 13 item 8). Nil when the device or its site is not (or no longer) registered.
    func ruleSubject(_ key: DeviceKey) -> RuleSubject? {
        read { c in
            guard let device = c.devices[key].map({ (config: $0.config, interval: $0.intervalSeconds) }),
                  let site = c.registry.site(key.site) else { return nil }
            return RuleSubject(config: device.config, intervalSeconds: device.interval, site: site)
        }
    }
}
