import FuzzSupport
import FuzzTargets

/// libFuzzer around `KeyringTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum KeyringFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(KeyringTarget.run, data, size) } }
}
