import KitchenModel

/// What the alarm engine reads of a device for every message it observes.
struct RuleSubject {
    let config: DeviceConfig
    let intervalSeconds: Int
    /// The registry as it stood, which holds the device's site: the site is looked up only when a
    /// rule needs it (a signal, a disinfector's schedule, a detection), not copied for every reading.
    let registry: Registry

    var key: DeviceKey { config.key }
    /// The device's site (`StateModel.ruleSubject` checked that this registry holds it).
    var site: SiteConfig { registry.site(config.key.site)! }
}

extension StateModel {
    /// The device's config, interval and site in one read of the model: on the MQTT thread's
    /// path, a copy of the whole `DeviceState` and a second lock per message were measurable
    /// (issue 13 item 8). Nil when the device or its site is not (or no longer) registered.
    func ruleSubject(_ key: DeviceKey) -> RuleSubject? {
        contents.withLock { c in
            guard let device = c.withDevice(key, { (config: $0.config, interval: $0.intervalSeconds) }),
                  c.registry.sites.index(forKey: key.site) != nil else { return nil }
            return RuleSubject(config: device.config, intervalSeconds: device.interval, registry: c.registry)
        }
    }
}
