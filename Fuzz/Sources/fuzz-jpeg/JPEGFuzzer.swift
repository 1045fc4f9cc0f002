import FuzzSupport
import FuzzTargets

/// libFuzzer around `JPEGTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum JPEGFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(JPEGTarget.run, data, size) } }
}
