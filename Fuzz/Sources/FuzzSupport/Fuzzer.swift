#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What libFuzzer calls for every input: the bytes, which are only valid during the call.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

// libFuzzer's entry point for programs that have their own `main`. SwiftPM gives every
// executable a `main` (renamed and aliased on Linux), so the harnesses link libFuzzer's
// `fuzzer_no_main` runtime and start it from here instead of letting it bring its own.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ target: FuzzTarget
) -> CInt

public enum Fuzzer {
    /// Hands the command line to libFuzzer (`-runs=`, corpus folders, `-dict=` ...) and exits
    /// with its status.
    public static func run(_ target: FuzzTarget) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }

    /// The input as a raw buffer (libFuzzer passes a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
        guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: data, count: size)
    }

    /// Splits `<topic>\n<payload>`: the harnesses that take an MQTT message fuzz both parts. With
    /// no newline the whole input is the topic and the payload is empty.
    public static func topicAndPayload(_ input: UnsafeRawBufferPointer) -> (String, UnsafeRawBufferPointer) {
        guard let newline = input.firstIndex(of: 0x0A) else {
            return (String(decoding: input, as: UTF8.self), UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let topic = String(decoding: UnsafeRawBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
        return (topic, UnsafeRawBufferPointer(rebasing: input[(newline + 1)...]))
    }

    /// An invariant the code under test must keep. A broken one aborts, which libFuzzer reports
    /// as a crash and saves the input, exactly like a trap.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        var line = "invariant broken: \(message())\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        abort()
    }
}
