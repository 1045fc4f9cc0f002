import FuzzSupport
import FuzzTargets

/// libFuzzer around `TopicTarget.run` (Fuzz/Sources/FuzzTargets), which says what it drives and asserts.
@main
enum TopicFuzzer {
    static func main() { Fuzzer.run { data, size in Fuzzer.check(TopicTarget.run, data, size) } }
}
