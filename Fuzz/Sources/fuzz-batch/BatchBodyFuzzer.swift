import FuzzSupport
import FuzzTargets

/// libFuzzer around `BatchBodyTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum BatchBodyFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(BatchBodyTarget.run, data, size) } }
}
