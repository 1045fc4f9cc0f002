import Foundation
@testable import Gateway
import KitchenModel
import KitchenRules
import Testing

/// The pieces of `serve --role vision` every worker and shard owner must agree on without talking
/// to each other: a camera's group, the result topic, the result's JSON.
struct VisionResultTests {
    let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)

    @Test func aCamerasGroupIsTheSameEverywhereAndCamerasSpreadOverTheGroups() {
        // FNV-1a-64 of "canteen-01/cam-1" is 0x9deb1b6bc810989d (computed outside Swift): fixed, where a
        // per-process seeded hash would split the cameras differently in every worker.
        #expect(VisionGroups.group(of: camera, count: 16) == 13)
        #expect(VisionGroups.group(of: camera, count: 1_000) == Int(UInt64(0x9deb_1b6b_c810_989d) % 1_000))
        var counts = Array(repeating: 0, count: 16)
        for site in 0..<40 {
            for device in 0..<10 {
                let key = DeviceKey(site: SiteID("site-\(site)")!, device: DeviceID("cam-\(device)")!)
                counts[VisionGroups.group(of: key, count: 16)] += 1
            }
        }
        #expect(counts.allSatisfy { $0 > 10 }, "400 cameras over 16 groups: \(counts)")
    }

    @Test func theResultTopicNamesTheCameraAndNothingElseIsTakenForOne() {
        let topic = VisionResult.topic(camera)
        #expect(topic == "bk/v1/canteen-01/_vision/cam-1")
        #expect(VisionResult.camera(inTopic: topic) == camera)
        for other in ["bk/v1/canteen-01/cam-1/frame", "bk/v1/canteen-01/_gateway/alarms", "bk/v1/canteen-01/_vision/cam-1/x",
                      "bk/v1/canteen-01/_vision/", "bk/v1/Bad Site/_vision/cam-1", "other/canteen-01/_vision/cam-1"] {
            #expect(VisionResult.camera(inTopic: other) == nil, "\(other)")
        }
    }

    @Test func resultsSurviveTheirJSON() throws {
        let results = [
            VisionResult(group: 3, epoch: 7, body: .condition(.init(kind: .cameraCovered, active: true, at: 1_000,
                                                                    detail: AlarmDetail(value: 0.5, message: "镜头遮挡", messageEN: "lens covered")))),
            VisionResult(group: 3, epoch: 8, body: .motion(.init(
                label: "rodent", score: 0.8, box: [0.1, 0.2, 0.05, 0.05], snapshot: "motion-1-2", at: 2_000,
                original: Data([0xFF, 0xD8, 1]), originalWidth: 480, originalHeight: 270, thumbnail: Data([0xFF, 0xD8, 2]),
                thumbnailWidth: 320, thumbnailHeight: 180))),
        ]
        for result in results {
            #expect(try JSONDecoder().decode(VisionResult.self, from: JSONEncoder().encode(result)) == result)
        }
    }
}
