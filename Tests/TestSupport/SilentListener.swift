import Foundation
import Synchronization

/// A TCP listener on 127.0.0.1 that accepts every connection, reads nothing and never answers:
/// a receiver that hangs. `stop()` closes the listener and every accepted connection.
public final class SilentListener: Sendable {
    public let port: Int
    private let fd: Int32
    private let connections = Mutex<(open: [Int32], total: Int, stopped: Bool)>(([], 0, false))

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, raw, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        fd = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptForever() }
    }

    /// Connections accepted so far.
    public var accepted: Int { connections.withLock { $0.total } }

    public func stop() {
        let open: [Int32] = connections.withLock { state in
            if state.stopped { return [] }
            state.stopped = true
            defer { state.open = [] }
            return state.open
        }
        // Wakes the blocked accept (which then fails) before the descriptor goes.
        shutdown(fd, Int32(SHUT_RDWR))
        for connection in open { close(connection) }
    }

    private func acceptForever() {
        while true {
            let connection = accept(fd, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            let kept = connections.withLock { state in
                if state.stopped { return false }
                state.open.append(connection)
                state.total += 1
                return true
            }
            if !kept {
                close(connection)
                break
            }
        }
        close(fd)
    }
}
