import FuzzSupport
import FuzzTargets

/// libFuzzer around `RegistryTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum RegistryFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(RegistryTarget.run, data, size) } }
}
