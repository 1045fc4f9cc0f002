import Foundation

/// What a command-line tool printed and how it exited.
public struct ToolRun: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
}

/// Runs a tool to completion. Standard error is read on its own thread, so a tool that writes
/// a lot of it cannot stall on a full pipe while standard output is being read.
public func runTool(_ executable: String, _ arguments: [String]) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let errorBytes = ErrorBytes()
    let reader = Thread { errorBytes.data = errors.fileHandleForReading.readDataToEndOfFile(); errorBytes.done.signal() }
    reader.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    errorBytes.done.wait()
    process.waitUntilExit()
    return ToolRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
                   errors: String(decoding: errorBytes.data, as: UTF8.self))
}

/// Standard error's bytes, handed from the reader thread under the semaphore.
private final class ErrorBytes: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
