/// A broken invariant: the fuzzer turns it into a crash (and saves the input), the replay tests
/// into a failed test naming the input.
public struct FuzzFailure: Error, CustomStringConvertible {
    public let description: String
}

/// One harness's body: everything it does with one input, without libFuzzer.
public typealias FuzzBody = @Sendable (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void

/// Helpers the bodies share.
public enum FuzzInput {
    /// Splits `<topic>\n<payload>`: the harnesses that take an MQTT message fuzz both parts. With
    /// no newline the whole input is the topic and the payload is empty.
    public static func topicAndPayload(_ input: UnsafeRawBufferPointer) -> (String, UnsafeRawBufferPointer) {
        guard let newline = input.firstIndex(of: 0x0A) else {
            return (String(decoding: input, as: UTF8.self), UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let topic = String(decoding: UnsafeRawBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
        return (topic, UnsafeRawBufferPointer(rebasing: input[(newline + 1)...]))
    }
}

/// An invariant the code under test must keep.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    guard !condition else { return }
    throw FuzzFailure(description: "invariant broken: \(message())")
}

/// Every harness by the name `scripts/fuzz`, `Fuzz/corpus/<name>` and `Fuzz/crashes/<name>` use.
public enum FuzzTargets {
    /// Runs `body` on `bytes` outside libFuzzer (the replay tests): the broken invariant, or nil.
    public static func replay(_ body: FuzzBody, _ bytes: [UInt8]) -> FuzzFailure? {
        bytes.withUnsafeBytes { buffer -> FuzzFailure? in
            do throws(FuzzFailure) {
                try body(buffer)
                return nil
            } catch {
                return error
            }
        }
    }

    public static let all: [(name: String, body: FuzzBody)] = [
        ("topic", TopicTarget.run),
        ("native", NativeTarget.run),
        ("adapters", AdapterTarget.run),
        ("ticket", TicketTarget.run),
        ("jpeg", JPEGTarget.run),
        ("registry", RegistryTarget.run),
        ("keyring", KeyringTarget.run),
        ("batch", BatchBodyTarget.run),
        ("camera", CameraPushTarget.run),
    ]
}
