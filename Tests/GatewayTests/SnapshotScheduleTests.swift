@testable import Gateway
import KitchenModel
import Testing

/// Issue 18, item 3: polling is spread over time so 5,000 cameras never fire at once.
@Suite struct SnapshotScheduleTests {
    static func cameras(_ count: Int, interval: Int = 10) throws -> [(DeviceKey, SnapshotPolling)] {
        try (0..<count).map { i in
            let key = DeviceKey(site: SiteID("site-\(i / 8)")!, device: DeviceID("cam-\(i % 8)")!)
            return (key, try SnapshotPolling(url: "http://10.0.\(i / 250).\(i % 250)/ISAPI/Streaming/channels/101/picture",
                                             credentials: nil, intervalSeconds: interval))
        }
    }

    /// A fixed "random" for reproducible jitter: the middle of the range.
    static func middle(_ range: ClosedRange<Int64>) -> Int64 { (range.lowerBound + range.upperBound) / 2 }

    @Test func fiveThousandCamerasAreSpreadOverTheIntervalAndEachIsPolledOncePerInterval() throws {
        var schedule = SnapshotSchedule()
        let t0: EpochMillis = 1_764_900_000_000
        schedule.update(try Self.cameras(5_000), now: t0, random: { Int64.random(in: $0) })
        #expect(schedule.count == 5_000)
        // Walk 30 s in 100 ms steps: every camera exactly once per 10 s, and no step carries a burst.
        var perStep: [Int] = []
        var polls: [DeviceKey: [EpochMillis]] = [:]
        for step in 1...300 {
            let now = t0 + EpochMillis(step) * 100
            let due = schedule.popDue(now: now, random: { Int64.random(in: $0) })
            perStep.append(due.count)
            for d in due { polls[d.key, default: []].append(now) }
        }
        #expect(polls.count == 5_000)
        #expect(polls.values.allSatisfy { (2...3).contains($0.count) }, "each camera 3 times in 30 s (2 if its first slot plus jitter fell late)")
        // 5,000 per 10 s is 50 per 100 ms on average; a hash spread stays well under twice that.
        let busiest = perStep.dropFirst().max() ?? 0
        #expect(busiest <= 100, "busiest 100 ms step: \(busiest)")
        #expect(perStep.reduce(0, +) >= 14_000)
        // Consecutive polls of one camera are one interval apart, give or take the jitter (≤ 1 s).
        for times in polls.values.prefix(200) {
            for (a, b) in zip(times, times.dropFirst()) { #expect(abs((b - a) - 10_000) <= 1_100) }
        }
    }

    @Test func phasesAreStableAcrossRestartsAndSpreadWithinTheInterval() throws {
        let key = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
        #expect(SnapshotSchedule.phase(key, intervalMillis: 10_000) == SnapshotSchedule.phase(key, intervalMillis: 10_000))
        let phases = try Self.cameras(1_000).map { SnapshotSchedule.phase($0.0, intervalMillis: 10_000) }
        // Ten 1 s buckets of about 100 cameras each.
        var buckets = [Int](repeating: 0, count: 10)
        for phase in phases { buckets[Int(phase / 1_000)] += 1 }
        #expect(buckets.allSatisfy { (60...140).contains($0) }, "\(buckets)")
        #expect(SnapshotSchedule.nextSlot(after: 10_500, phase: 300, intervalMillis: 10_000) == 20_300)
        #expect(SnapshotSchedule.nextSlot(after: 10_300, phase: 300, intervalMillis: 10_000) == 20_300)
        #expect(SnapshotSchedule.nextSlot(after: 10_299, phase: 300, intervalMillis: 10_000) == 10_300)
    }

    @Test func aChangedCameraIsRescheduledAndARemovedOneIsDropped() throws {
        var schedule = SnapshotSchedule(jitterFraction: 0)
        var cameras = try Self.cameras(3)
        schedule.update(cameras, now: 0, random: Self.middle)
        let first = schedule.popDue(now: 10_000, random: Self.middle).map(\.key)
        #expect(Set(first) == Set(cameras.map(\.0)))
        cameras[1].1 = try SnapshotPolling(url: "http://10.9.9.9/cgi-bin/snapshot.cgi?channel=1", credentials: nil, intervalSeconds: 2)
        schedule.update(Array(cameras.prefix(2)), now: 10_000, random: Self.middle)
        #expect(schedule.count == 2)
        let later = schedule.popDue(now: 30_000, random: Self.middle)
        #expect(!later.contains { $0.key == cameras[2].0 }, "a camera gone from the registry is not polled")
        #expect(later.first { $0.key == cameras[1].0 }?.polling.url == "http://10.9.9.9/cgi-bin/snapshot.cgi?channel=1")
        // A slot missed while the gateway was busy is skipped, not caught up in a burst.
        let afterStall = schedule.popDue(now: 500_000, random: Self.middle)
        #expect(afterStall.count == 2)
        #expect(schedule.popDue(now: 500_001, random: Self.middle).isEmpty)
    }

    @Test func registryKeysAreCheckedWithTheFieldThatIsWrong() throws {
        func load(_ device: String) throws -> Registry {
            try RegistryFile.parse(yaml: """
                sites:
                  - {id: canteen-01, name: 食堂, kind: canteen, region: "420106"}
                devices:
                  - \(device)
                """)
        }
        let ok = try load(#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://10.0.0.5/ISAPI/Streaming/channels/101/picture", username: admin, password: "Cam-pass-1"}, speaker: {url: "http://10.0.0.5/", username: admin, password: "Cam-pass-1"}}"#)
        let access = try #require(ok.devices.values.first?.cameraHTTP)
        #expect(access.snapshot?.intervalSeconds == 10)
        #expect(access.snapshot?.credentials?.scheme == .digest)
        #expect(access.speaker?.baseURL == "http://10.0.0.5")
        #expect(access.speaker?.channel == 1)
        #expect(!"\(access.snapshot!.credentials!)".contains("Cam-pass-1"), "passwords are never printed")
        let refusals: [(String, String)] = [
            (#"{id: t-1, site: canteen-01, kind: thermo, snapshot: {url: "http://10.0.0.5/a.jpg"}}"#, "snapshot: only cameras"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://admin:pw@10.0.0.5/a.jpg"}}"#, "snapshot.url: must not carry user:password@"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "ftp://10.0.0.5/a.jpg"}}"#, "snapshot.url: must be an http"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://10.0.0.5/a.jpg", interval_s: 0}}"#, "snapshot.interval_s"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://10.0.0.5/a.jpg", username: admin}}"#, "snapshot.password: give both"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://10.0.0.5/a.jpg", auth: ntlm, username: a, password: b}}"#, "snapshot.auth"),
            (#"{id: cam-1, site: canteen-01, kind: camera, snapshot: {url: "http://10.0.0.5/a.jpg", channel: 2}}"#, "snapshot.channel: unknown key"),
            (#"{id: cam-1, site: canteen-01, kind: camera, speaker: {url: "http://10.0.0.5"}}"#, "speaker.password: is missing"),
        ]
        for (device, expected) in refusals {
            #expect(throws: RegistryFile.LoadError.self) { try load(device) }
            do { _ = try load(device) } catch { #expect("\(error)".contains(expected), "\(error)") }
        }
    }
}
