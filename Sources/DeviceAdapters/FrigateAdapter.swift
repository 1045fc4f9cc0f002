import DeviceIngest
import KitchenModel

/// Frigate NVR under its MQTT `topic_prefix` (default `frigate`); one instance may serve
/// cameras bound to devices on several sites:
/// - `<prefix>/events`: `type` new/update/end with `before`/`after` tracked objects (`id`,
///   `camera`, `label`, `score`, `top_score`, `box` in detect pixels, `current_zones`,
///   `false_positive`, `frame_time`, `has_snapshot`) → one `detection` per reportable object;
/// - `<prefix>/<camera>/<label>/snapshot`: JPEG bytes → `snapshot`;
/// - `<prefix>/available`: `online`/`offline` → presence of every camera of the instance.
/// Other topics under the prefix (stats, counts, per-camera switches, reviews) are ignored.
enum FrigateAdapter {
    enum Message: Equatable {
        case events(instance: String)
        case snapshot(instance: String, camera: String, label: String)
        case available(instance: String)
        case other(String)
    }

    /// Matches the longest known instance prefix, so `nvr/a` wins over `nvr`.
    static func parse(_ topic: String, instances: Set<String>) -> Message? {
        guard let instance = instances.filter({ topic.hasPrefix($0 + "/") }).max(by: { $0.count < $1.count }) else {
            return nil
        }
        let segments = topic.dropFirst(instance.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        if segments == ["events"] { return .events(instance: instance) }
        if segments == ["available"] { return .available(instance: instance) }
        if segments.count == 3, segments[2] == "snapshot", !segments[0].isEmpty, !segments[1].isEmpty {
            return .snapshot(instance: instance, camera: String(segments[0]), label: String(segments[1]))
        }
        return .other(segments.first.map(String.init) ?? "")
    }

    static func adapt(_ message: Message, _ payload: UnsafeRawBufferPointer, bindings: SourceBindings,
                      receivedAt: EpochMillis, limits: IngestLimits,
                      snapshots: inout FrigateSnapshotIDs) -> AdapterOutcome {
        var results = BindingResults()
        switch message {
        case .other(let what):
            return .ignored("Frigate '\(what)' topic carries no detections")
        case .available(let instance):
            let cameras = bindings.all(.frigate, instance: instance)
            guard !cameras.isEmpty else { return .unmapped(family: .frigate, sourceID: instance) }
            let online: Bool
            do { online = try PlainTextPayload.word(payload, among: PlainTextPayload.onlineOffline) } catch {
                return .rejected(Rejection(error.reason, "Frigate available " + error.message))
            }
            for binding in cameras {
                results.add(binding.key) { () throws(Rejection) in [.presence(binding.key, online: online, receivedAt: receivedAt)] }
            }
            return results.outcome(nothingFor: "no binding")
        case .snapshot(let instance, let camera, let label):
            let bound = bindings.bindings(.frigate, camera, instance: instance)
            guard !bound.isEmpty else { return .unmapped(family: .frigate, sourceID: instance + "/" + camera) }
            let jpeg: [UInt8]
            do { jpeg = try ImageDecoder.jpeg(payload, limits: limits) } catch { return .rejected(error) }
            for binding in bound {
                results.add(binding.key) { () throws(Rejection) in
                    let id = snapshots.id(for: binding.key, label: label)
                        ?? FrigateSnapshotIDs.sanitize("\(label)-\(receivedAt)")
                    return [AdaptedMessage(DeviceMessage(key: binding.key, receivedAt: receivedAt,
                                                         payload: .snapshot(id: id, jpeg: jpeg)))]
                }
            }
            return results.outcome(nothingFor: "no binding")
        case .events(let instance):
            let event: FrigateEvent
            do { event = try FrigateEvent(try JSONFields.read(payload, limits: limits)) } catch { return .rejected(error) }
            let bound = bindings.bindings(.frigate, event.after.camera, instance: instance)
            guard !bound.isEmpty else { return .unmapped(family: .frigate, sourceID: instance + "/" + event.after.camera) }
            for binding in bound {
                guard let camera = binding.source.camera else { continue }
                results.add(binding.key) { () throws(Rejection) in
                    guard let detection = try event.detectionToReport(camera: camera) else { return [] }
                    snapshots.remember(detection.snapshot, for: binding.key, label: event.after.label)
                    let deviceTime = event.after.frameTime.flatMap {
                        DeviceClock.fromUnixSeconds($0, receivedAt: receivedAt, limits: limits)
                    }
                    return [AdaptedMessage(DeviceMessage(key: binding.key, receivedAt: receivedAt,
                                                         payload: .event(.detection(detection))),
                                           deviceTime: deviceTime)]
                }
            }
            return results.outcome(nothingFor: "Frigate \(event.type) of '\(event.after.label)' on '\(event.after.camera)' "
                + "is not reported (false positive, unmapped label, outside the zones, or already reported)")
        }
    }
}
