import FuzzTargets

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

    /// Runs one harness body on libFuzzer's input. A broken invariant aborts, which libFuzzer
    /// reports as a crash and saves the input, exactly like a trap.
    public static func check(_ body: FuzzBody, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        do {
            try body(bytes(data, size))
        } catch {
            var line = "\(error)\n"
            line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            abort()
        }
        return 0
    }
}
