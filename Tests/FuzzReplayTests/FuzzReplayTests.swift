import Foundation
import FuzzTargets
import Testing

/// Every fuzz harness's seed corpus and every past crash input (Fuzz/crashes/<harness>/), through
/// the same bodies the libFuzzer executables run (FuzzTargets), in the normal test build: a fixed
/// crash stays fixed, and a seed that starts failing an invariant fails `make test`.
/// Serialized: the JPEG body keeps one decoder, as a camera pipeline does.
@Suite(.serialized) struct FuzzReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ harness: String) throws -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(harness)
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every harness has seeds and a crash folder; every folder has a harness")
    func layout() throws {
        let names = Set(FuzzTargets.all.map(\.name))
        for folder in ["corpus", "crashes"] {
            let present = try FileManager.default.contentsOfDirectory(atPath: Self.fuzzDirectory.appendingPathComponent(folder).path)
            #expect(Set(present.filter { !$0.hasPrefix(".") }) == names, "Fuzz/\(folder)/ against FuzzTargets.all")
        }
        for name in names { #expect(try !Self.inputs("corpus", name).isEmpty, "Fuzz/corpus/\(name) has no seeds") }
    }

    @Test("seeds and past crashes pass every invariant", arguments: FuzzTargets.all.map(\.name))
    func replay(harness: String) throws {
        let body = try #require(FuzzTargets.all.first { $0.name == harness }?.body)
        let files = try Self.inputs("corpus", harness) + Self.inputs("crashes", harness)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            if let failure = FuzzTargets.replay(body, bytes) {
                Issue.record("\(harness): \(file.lastPathComponent): \(failure)")
            }
        }
    }

    @Test("a broken invariant is reported, not swallowed")
    func failureSurfaces() throws {
        // A keyring whose id field holds a secret: its refusal once quoted the hex (Fuzz/crashes/keyring).
        let input = Array("active 0\nkey 0123456789abcdef0123456789abcdef 0\n".utf8)
        let keyring = try #require(FuzzTargets.all.first { $0.name == "keyring" }?.body)
        #expect(FuzzTargets.replay(keyring, input) == nil)
        // And the check itself: a refusal quoting 16 hex digits is caught.
        #expect(KeyringTarget.quotesKeyMaterial("line 2: '0123456789abcdef' is not a key id"))
        #expect(!KeyringTarget.quotesKeyMaterial("line 2: '0123… (32 characters)' is not a key id"))
    }
}
