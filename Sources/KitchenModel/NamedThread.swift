import Foundation

/// Starts a thread whose name the operating system knows. Foundation's `Thread.name` stays inside
/// Foundation on Linux: `top -H`, `/proc/<pid>/task/*/comm` and the benchmarks' CPU-by-thread
/// figures saw every one of the gateway's threads under the name of the thread that created it.
public enum NamedThread {
    /// Runs `body` on a new thread named `name` (the kernel keeps the first 15 bytes).
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            setCurrentName(name)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Names the calling thread.
    public static func setCurrentName(_ name: String) {
        // The kernel keeps 15 bytes; cut at a character, not inside one.
        var short = ""
        for character in name {
            guard short.utf8.count + character.utf8.count <= 15 else { break }
            short.append(character)
        }
        // What pthread_setname_np does, which Swift's Glibc module does not export (_GNU_SOURCE).
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        _ = short.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}
