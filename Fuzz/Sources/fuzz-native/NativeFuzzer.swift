import FuzzSupport
import FuzzTargets

/// libFuzzer around `NativeTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum NativeFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(NativeTarget.run, data, size) } }
}
