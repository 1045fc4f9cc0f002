import Foundation
import Logging

// `bench-stages [--messages N] [--devices N] [--batch N]`: CPU per telemetry message by ingest stage
// (StageProfile). Synchronous on purpose: valgrind's callgrind cannot follow an async main here.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let arguments = CommandLine.arguments
func value(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: "--" + name), i + 1 < arguments.count else { return fallback }
    return Int(arguments[i + 1]) ?? fallback
}
do {
    try StageProfile(devices: value("devices", 200), messages: value("messages", 100_000), batch: value("batch", 150),
                     logger: Logger(label: "bench-stages")).run()
} catch {
    FileHandle.standardError.write(Data("bench-stages: \(error)\n".utf8))
    exit(1)
}
