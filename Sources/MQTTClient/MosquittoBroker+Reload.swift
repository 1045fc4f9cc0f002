import Foundation

extension MosquittoBroker {
    /// SIGHUP: mosquitto rereads its password and ACL files without dropping connections
    /// (an account removed there is refused on its next connect).
    @discardableResult
    public func reloadAccessFiles() -> Bool {
        guard let pid else { return false }
        return sendSignal(SIGHUP, to: pid) == 0
    }

    /// The same for a broker another process (a running `serve`) started in `directory`, found by
    /// its pid file. False if none is running there.
    @discardableResult
    public static func reloadAccessFiles(ofBrokerIn directory: String) -> Bool {
        guard let text = try? String(contentsOfFile: directory + "/mosquitto.pid", encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              isLiveMosquitto(pid) else { return false }
        return sendSignal(SIGHUP, to: pid) == 0
    }
}
