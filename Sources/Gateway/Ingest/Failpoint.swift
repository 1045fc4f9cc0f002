import Foundation

/// Fault injection for crash tests, off unless `BRIGHTKITCHEN_FAILPOINT` is set:
/// `stall-before-commit:<topic substring>` or `stall-after-commit:<topic substring>`
/// makes the MQTT handler announce itself on stderr and hang on a matching message,
/// so a test can SIGKILL the gateway at exactly that point.
enum Failpoint: Sendable {
    case beforeCommit(String)
    case afterCommit(String)

    static let active: Failpoint? = {
        guard let spec = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_FAILPOINT"] else { return nil }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "stall-before-commit": return .beforeCommit(parts[1])
        case "stall-after-commit": return .afterCommit(parts[1])
        default: return nil
        }
    }()

    static func hit(_ stage: String, topic: String) {
        guard let active else { return }
        switch (active, stage) {
        case (.beforeCommit(let match), "before-commit") where topic.contains(match),
             (.afterCommit(let match), "after-commit") where topic.contains(match):
            FileHandle.standardError.write(Data("FAILPOINT \(stage) \(topic)\n".utf8))
            while true { sleep(60) }
        default:
            return
        }
    }
}
