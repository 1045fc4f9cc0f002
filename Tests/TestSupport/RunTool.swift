import CProcessShim
import Foundation

/// What a command-line tool printed and how it exited.
public struct ToolRun: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
}

/// Runs a tool to completion, started like `ChildProcess` so that it dies with the test process.
/// Standard error is read on its own thread, so a tool that writes a lot of it cannot stall on a
/// full pipe while standard output is being read.
public func runTool(_ executable: String, _ arguments: [String]) throws -> ToolRun {
    var outputPipe: [Int32] = [-1, -1]
    var errorPipe: [Int32] = [-1, -1]
    guard bk_pipe_cloexec(&outputPipe) == 0 else { throw SpawnError(what: "create a pipe", code: errno) }
    guard bk_pipe_cloexec(&errorPipe) == 0 else {
        close(outputPipe[0]); close(outputPipe[1])
        throw SpawnError(what: "create a pipe", code: errno)
    }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let pid = bk_spawn_bound(executable, argv, environ, nil, -1, outputPipe[1], errorPipe[1], SIGKILL)
    let spawnError = errno
    // Our copies of the write ends must go, or the reads below never see end of file.
    close(outputPipe[1])
    close(errorPipe[1])
    let output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true)
    let errors = FileHandle(fileDescriptor: errorPipe[0], closeOnDealloc: true)
    guard pid > 0 else { throw SpawnError(what: "start \(executable)", code: spawnError) }
    let errorBytes = ErrorBytes()
    let reader = Thread { errorBytes.data = errors.readDataToEndOfFile(); errorBytes.done.signal() }
    reader.start()
    let data = output.readDataToEndOfFile()
    errorBytes.done.wait()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    return ToolRun(status: exitStatus, output: String(decoding: data, as: UTF8.self),
                   errors: String(decoding: errorBytes.data, as: UTF8.self))
}

/// Standard error's bytes, handed from the reader thread under the semaphore.
private final class ErrorBytes: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
