import FuzzSupport
import FuzzTargets

/// libFuzzer around `AdapterTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum AdapterFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(AdapterTarget.run, data, size) } }
}
