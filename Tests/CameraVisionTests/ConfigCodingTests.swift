import CameraVision
import Foundation
import Testing

@Suite("Configuration")
struct ConfigCodingTests {
    @Test func roundTripsThroughJSON() throws {
        var config = CameraVisionConfig()
        config.motion.minDifference = 20
        config.quality.blurRatio = 0.3
        config.limits.maxDimension = 4096
        let decoded = try JSONDecoder().decode(CameraVisionConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
    }

    @Test func decodeScaleFollowsTheWorkNeeded() {
        let config = CameraVisionConfig()
        #expect(config.decodeScale(forWidth: 1280, operating: true) == .quarter)
        #expect(config.decodeScale(forWidth: 1280, operating: false) == .half)
        #expect(config.decodeScale(forWidth: 1920, operating: false) == .quarter)
    }
}
