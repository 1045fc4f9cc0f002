import Foundation

/// CPU time of each thread of this process, from `/proc/self/task/<tid>/schedstat` (nanoseconds
/// on the CPU, not 10 ms ticks) and `status` (voluntary context switches: a thread that sleeps
/// on a futex and is woken again counts one). Taken before and after a run, the difference says
/// where the gateway's CPU per message goes: its MQTT network thread, the batch writer, the WAL
/// checkpointer, or everything else.
struct ThreadCPU {
    struct Sample { var name: String; var nanoseconds: Int64; var wakeups: Int }

    let threads: [Int: Sample]

    static func now() -> ThreadCPU {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var threads: [Int: Sample] = [:]
        for task in tasks {
            guard let tid = Int(task) else { continue }
            let base = "/proc/self/task/\(task)/"
            let name = ((try? String(contentsOfFile: base + "comm", encoding: .utf8)) ?? "?")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let schedstat = (try? String(contentsOfFile: base + "schedstat", encoding: .utf8)) ?? ""
            let ns = schedstat.split(separator: " ").first.flatMap { Int64($0) } ?? 0
            let status = (try? String(contentsOfFile: base + "status", encoding: .utf8)) ?? ""
            threads[tid] = Sample(name: name, nanoseconds: ns, wakeups: field("voluntary_ctxt_switches:", in: status))
        }
        return ThreadCPU(threads: threads)
    }

    /// CPU per message and wake-ups per message by thread name since `before`, busiest first;
    /// threads under 0.05 µs per message are folded into "other".
    func lines(since before: ThreadCPU, messages: Int) -> [String] {
        var byName: [String: (ns: Int64, wakeups: Int)] = [:]
        for (tid, after) in threads {
            let start = before.threads[tid] ?? Sample(name: after.name, nanoseconds: 0, wakeups: 0)
            // Worker threads of the same pool share a name: add them up.
            let name = after.name.hasPrefix("mq-") ? "MQTT network thread" : after.name
            byName[name, default: (0, 0)].ns += after.nanoseconds - start.nanoseconds
            byName[name, default: (0, 0)].wakeups += after.wakeups - start.wakeups
        }
        let perMessage = byName.map { (name: $0.key, us: Double($0.value.ns) / 1000 / Double(messages),
                                       wakeups: Double($0.value.wakeups) / Double(messages)) }
            .sorted { $0.us > $1.us }
        let shown = perMessage.filter { $0.us >= 0.05 }
        let other = perMessage.filter { $0.us < 0.05 }.reduce(0) { $0 + $1.us }
        // Padded by hand: Foundation on Linux ignores a width on %@.
        func label(_ name: String) -> String { "      " + name.padding(toLength: 22, withPad: " ", startingAt: 0) }
        return shown.map { label($0.name) + String(format: " %6.2f µs CPU/msg  %5.3f wake-ups/msg", $0.us, $0.wakeups) }
            + (other > 0 ? [label("other") + String(format: " %6.2f µs CPU/msg", other)] : [])
    }

    private static func field(_ key: String, in status: String) -> Int {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
        return Int(line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)) ?? 0
    }
}
