import FuzzSupport
import FuzzTargets

/// libFuzzer around `TicketTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum TicketFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(TicketTarget.run, data, size) } }
}
