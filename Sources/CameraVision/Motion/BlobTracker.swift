/// Follows blobs from frame to frame. Sensor noise and JPEG artefacts make blobs that appear
/// once; ghosts of objects that left make blobs that never move. Only an object seen in several
/// frames that has also travelled is reported.
struct BlobTracker: Sendable {
    enum SizeClass: Sendable { case rodent, person, other }

    struct Track: Sendable {
        var id: Int
        var originX: Double
        var originY: Double
        var blob: Blob
        var hits = 0
        var missed = 0
        var rodentVotes = 0
        var personVotes = 0
        var reported = false

        var travel: Double {
            let dx = blob.centroidX - originX, dy = blob.centroidY - originY
            return (dx * dx + dy * dy).squareRoot()
        }

        /// The class the track showed in at least half its frames.
        var sizeClass: SizeClass {
            if rodentVotes * 2 >= hits, rodentVotes >= personVotes { return .rodent }
            if personVotes * 2 >= hits { return .person }
            return .other
        }
    }

    private(set) var tracks: [Track] = []
    private var nextID = 1
    private var candidates: [(distance: Double, track: Int, blob: Int)] = []
    private var blobTaken: [Bool] = []
    private var trackTaken: [Bool] = []

    mutating func reset() {
        tracks.removeAll(keepingCapacity: true)
    }

    mutating func update(_ blobs: [Blob], width: Int, height: Int, at time: Int64,
                         config: NightMotionConfig) -> [MotionDetection] {
        let frame = FrameGeometry(width: width, height: height, config: config)
        match(blobs, maxStep: config.maxStep * Double(width))
        for index in tracks.indices {
            if trackTaken[index] { observe(&tracks[index], frame) } else { tracks[index].missed += 1 }
        }
        for index in blobs.indices where !blobTaken[index] {
            let blob = blobs[index]
            var track = Track(id: nextID, originX: blob.centroidX, originY: blob.centroidY, blob: blob)
            nextID += 1
            observe(&track, frame)
            tracks.append(track)
        }
        tracks.removeAll { $0.missed > config.maxMissedFrames }
        let larger = blobs.filter { frame.sizeClass(of: $0) != .rodent }
        return confirm(frame, at: time, config: config, largerBlobs: larger)
    }

    /// Greedy nearest-first assignment of blobs to live tracks.
    private mutating func match(_ blobs: [Blob], maxStep: Double) {
        candidates.removeAll(keepingCapacity: true)
        for (trackIndex, track) in tracks.enumerated() {
            for (blobIndex, blob) in blobs.enumerated() {
                let dx = blob.centroidX - track.blob.centroidX, dy = blob.centroidY - track.blob.centroidY
                let distance = (dx * dx + dy * dy).squareRoot()
                // A large object's centroid jumps more as its outline changes.
                let allowance = maxStep + Double(max(track.blob.width, track.blob.height)) / 2
                if distance <= allowance { candidates.append((distance, trackIndex, blobIndex)) }
            }
        }
        candidates.sort { $0.distance < $1.distance }
        blobTaken.removeAll(keepingCapacity: true)
        blobTaken.append(contentsOf: repeatElement(false, count: blobs.count))
        trackTaken.removeAll(keepingCapacity: true)
        trackTaken.append(contentsOf: repeatElement(false, count: tracks.count))
        for candidate in candidates where !trackTaken[candidate.track] && !blobTaken[candidate.blob] {
            trackTaken[candidate.track] = true
            blobTaken[candidate.blob] = true
            tracks[candidate.track].blob = blobs[candidate.blob]
        }
    }

    private func observe(_ track: inout Track, _ frame: FrameGeometry) {
        track.hits += 1
        track.missed = 0
        switch frame.sizeClass(of: track.blob) {
        case .rodent: track.rodentVotes += 1
        case .person: track.personVotes += 1
        case .other: break
        }
    }

    private mutating func confirm(_ frame: FrameGeometry, at time: Int64, config: NightMotionConfig,
                                  largerBlobs: [Blob]) -> [MotionDetection] {
        var detections: [MotionDetection] = []
        let minTravel = config.minTravel * Double(frame.width)
        for index in tracks.indices {
            let track = tracks[index]
            guard !track.reported, track.missed == 0, track.hits >= config.minTrackFrames,
                  track.travel >= minTravel else { continue }
            let label: MotionLabel
            switch track.sizeClass {
            case .rodent:
                // Parts of a person (feet, a hand, clothing close to the background's shade)
                // break off as small moving blobs: they belong to the larger blob beside them.
                if largerBlobs.contains(where: { frame.isNear(track.blob, larger: $0) }) { continue }
                label = .rodent
            case .person: label = .intrusion
            case .other: continue
            }
            tracks[index].reported = true
            let persistence = min(1, Double(track.hits - config.minTrackFrames + 1) / 3)
            let movement = min(1, track.travel / (4 * minTravel))
            detections.append(MotionDetection(
                label: label, box: frame.box(of: track.blob), score: 0.5 + 0.25 * persistence + 0.25 * movement,
                at: time, trackID: track.id, framesTracked: track.hits))
        }
        return detections
    }
}

/// Frame size and the size rules that turn pixels into rodent or person.
struct FrameGeometry {
    var width: Int
    var height: Int
    var config: NightMotionConfig

    func sizeClass(of blob: Blob) -> BlobTracker.SizeClass {
        let w = Double(blob.width) / Double(width), h = Double(blob.height) / Double(height)
        if w <= config.rodentMaxWidth, h <= config.rodentMaxHeight { return .rodent }
        if h >= config.personMinHeight, w * h >= config.personMinArea { return .person }
        return .other
    }

    /// Within the larger blob's box grown by half its width sideways and its whole height up and
    /// down: a torso seen against the wall often leaves its legs as separate pieces on the floor.
    func isNear(_ blob: Blob, larger: Blob) -> Bool {
        let marginX = Double(larger.width) / 2, marginY = Double(larger.height)
        return blob.centroidX >= Double(larger.minX) - marginX && blob.centroidX <= Double(larger.maxX) + marginX
            && blob.centroidY >= Double(larger.minY) - marginY && blob.centroidY <= Double(larger.maxY) + marginY
    }

    func box(of blob: Blob) -> DetectionBox {
        DetectionBox(x: Double(blob.minX) / Double(width), y: Double(blob.minY) / Double(height),
                     width: Double(blob.width) / Double(width), height: Double(blob.height) / Double(height))
    }
}
