import CameraVision
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Detection and false-alarm rates of the camera analysis on generated kitchens.
// swift run -c release camera-eval [--trials N] [--width W --height H] [--probe] [--verbose] [--scenario NAME]

var trials = 40
var width = 1280
var height = 720
var probe = false
var verbose = false
var only: Scenario?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--trials": trials = Int(arguments.next() ?? "") ?? trials
    case "--width": width = Int(arguments.next() ?? "") ?? width
    case "--height": height = Int(arguments.next() ?? "") ?? height
    case "--probe": probe = true
    case "--verbose": verbose = true
    case "--scenario": only = arguments.next().flatMap(Scenario.init(rawValue:))
    default:
        print("usage: camera-eval [--trials N] [--width W --height H] [--probe] [--verbose] [--scenario NAME]")
        exit(2)
    }
}

if probe {
    SharpnessProbe(width: width, height: height).run()
} else {
    let runner = TrialRunner(width: width, height: height, config: CameraVisionConfig(), verbose: verbose)
    print("camera-eval: \(trials) trials per scenario at \(width)×\(height), JPEG quality 80, default thresholds\n")
    print("| scenario | operating | trials | frames | expected | hit rate | false alarms (trials) | false alarms / frame | recalibrations |")
    print("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for scenario in Scenario.allCases where only == nil || only == scenario {
        var hits = 0, falseTrials = 0, falseAlarms = 0, frames = 0, recalibrations = 0, rejected = 0
        for trial in 0..<trials {
            let outcome = runner.run(scenario, seed: UInt64(trial + 1) &* 1_000_003 &+ UInt64(scenario.rawValue.count))
            if outcome.hit { hits += 1 }
            if outcome.falseAlarms > 0 { falseTrials += 1 }
            falseAlarms += outcome.falseAlarms
            frames += outcome.frames
            recalibrations += outcome.recalibrations
            rejected += outcome.rejectedFrames
        }
        let expected: String
        switch scenario.expected {
        case let .detection(label)?: expected = label.rawValue
        case let .fault(fault)?: expected = fault.rawValue
        case nil: expected = "nothing"
        }
        let hitRate = scenario.expected == nil ? "–" : percent(hits, trials)
        print("| \(scenario.rawValue) | \(scenario.operating ? "yes" : "no") | \(trials) | \(frames) | \(expected) | \(hitRate) "
            + "| \(percent(falseTrials, trials)) | \(fraction(falseAlarms, frames)) | \(recalibrations) |"
            + (rejected > 0 ? " (\(rejected) frames rejected)" : ""))
    }
}

func percent(_ count: Int, _ total: Int) -> String {
    "\(count)/\(total) (\(Int((100 * Double(count) / Double(max(total, 1))).rounded())) %)"
}

func fraction(_ count: Int, _ total: Int) -> String {
    let value = Double(count) / Double(max(total, 1))
    return "\((value * 10000).rounded() / 10000)"
}
