import FuzzSupport
import FuzzTargets

/// libFuzzer around `CameraPushTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum CameraPushFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(CameraPushTarget.run, data, size) } }
}
