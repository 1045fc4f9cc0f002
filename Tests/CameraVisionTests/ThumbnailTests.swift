import CameraVision
import Testing

@Suite("Evidence snapshots and thumbnails")
struct ThumbnailTests {
    @Test func makesA320PixelThumbnailWithTheBoxDrawn() throws {
        var kitchen = SyntheticKitchen(width: 640, height: 360, seed: 4)
        let encoder = try #require(JPEGEncoder())
        let maker = try #require(ThumbnailMaker())
        let snapshot = try kitchen.jpeg(.day, encoder: encoder)
        let box = DetectionBox(x: 0.25, y: 0.5, width: 0.25, height: 0.25)
        let evidence = try EvidenceSnapshot.prepare(snapshot, box: box, using: maker)

        #expect(evidence.original == snapshot)
        #expect(evidence.header.width == 640)
        #expect(evidence.thumbnail.width == 320 && evidence.thumbnail.height == 180)
        let decoder = try #require(JPEGDecoder())
        let picture = try decoder.decodeRGB(evidence.thumbnail.jpeg)
        #expect(picture.width == 320 && picture.height == 180)
        // The outline runs from (80, 90) to (159, 134): red on it, kitchen colours inside.
        #expect(isRed(picture[80, 110]) && isRed(picture[120, 90]) && isRed(picture[159, 120]))
        #expect(!isRed(picture[120, 112]))
    }

    @Test func refusesATruncatedSnapshotWithTheReason() throws {
        var kitchen = SyntheticKitchen(width: 160, height: 90, seed: 5)
        let encoder = try #require(JPEGEncoder())
        let maker = try #require(ThumbnailMaker())
        let snapshot = try kitchen.jpeg(.day, encoder: encoder)
        let thrown = #expect(throws: EvidenceFailure.self) {
            try maker.make(from: Array(snapshot.prefix(snapshot.count - 200)), box: nil)
        }
        guard case let .rejected(rejection)? = thrown else {
            Issue.record("expected a rejection, got \(String(describing: thrown))")
            return
        }
        #expect(rejection.code == "jpeg_truncated")
    }

    @Test func refusesNonJPEGData() throws {
        let maker = try #require(ThumbnailMaker())
        let text = Array("{\"not\": \"a picture\"}".utf8)
        #expect(throws: EvidenceFailure.rejected(.notJPEG(firstBytes: Array(text.prefix(4))))) {
            try maker.make(from: text, box: nil)
        }
    }

    @Test func boxFractionsFromTheWireAreValidated() {
        #expect(DetectionBox(fractions: [0.1, 0.2, 0.3, 0.4]) == DetectionBox(x: 0.1, y: 0.2, width: 0.3, height: 0.4))
        #expect(DetectionBox(fractions: [0.1, 0.2, 0.3]) == nil)
        #expect(DetectionBox(fractions: [0.1, 0.2, -0.3, 0.4]) == nil)
        #expect(DetectionBox(fractions: [1.5, 0.2, 0.3, 0.4]) == nil)
        #expect(DetectionBox(fractions: [0.1, .nan, 0.3, 0.4]) == nil)
        // A box hanging over the edge is clamped to the picture.
        let rect = DetectionBox(x: 0.9, y: -0.1, width: 0.5, height: 0.3).pixelRect(width: 100, height: 100)
        #expect(rect == PixelRect(left: 90, top: 0, right: 99, bottom: 19))
    }

    private func isRed(_ pixel: RGB) -> Bool {
        pixel.red > 180 && pixel.green < 110 && pixel.blue < 110
    }
}
