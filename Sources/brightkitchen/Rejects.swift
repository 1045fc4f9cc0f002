import ArgumentParser
import Foundation
import KitchenModel
import Storage
import StorageModel

struct Rejects: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List rejected inbound messages (the bounded dead-letter table), newest first.")

    @Option(help: "How many to list.")
    var limit = 50

    @Option(help: "Only this reason (\(RejectReason.allCases.map(\.rawValue).joined(separator: ", ")), or a camera image's jpeg_... code).")
    var reason: String?

    @Flag(help: "Print counts per reason instead of the messages.")
    var summary = false

    @OptionGroup var db: StoreOption

    func run() throws {
        // Camera images refused after decoding carry the library's `jpeg_...` codes (docs/camera-vision.md).
        if let reason, RejectReason(rawValue: reason) == nil, !reason.hasPrefix("jpeg_") {
            throw ValidationError("unknown reason '\(reason)'")
        }
        let store = try db.open()
        if summary {
            for (reason, count) in try store.rejectCounts().sorted(by: { $0.value > $1.value }) {
                print("\(count)\t\(TerminalText.escape(reason))")
            }
            return
        }
        let rejects = try store.rejects(limit: limit, reason: reason)
        if rejects.isEmpty { print("no rejected messages") }
        for r in rejects {
            // Topic, message and payload are the device's bytes: never raw on the operator's terminal.
            let payload = TerminalText.escape(String(decoding: r.record.payloadPrefix.prefix(120), as: UTF8.self))
            print("\(Timestamp.iso(r.record.at))  \(TerminalText.escape(r.record.reason))  \(TerminalText.escape(r.record.topic))")
            print("    \(TerminalText.escape(r.record.message))")
            print("    \(r.record.payloadSize) bytes: \(payload)")
        }
    }
}
