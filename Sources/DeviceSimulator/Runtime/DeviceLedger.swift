import Foundation

/// What one device considers sent and what the gateway answered it: the device side of an
/// end-to-end check. A sequenced message counts as sent from the moment it has its seq and sits
/// in the replay buffer, as with real firmware: from then on delivering it is the protocol's job
/// (QoS 1, and `replay` for whatever a lost connection swallowed).
struct DeviceLedger: Sendable {
    struct Sent: Sendable {
        let boot: Int64
        let seq: Int64
        /// The weighing's `req` (scales only).
        let req: String?
    }

    /// One `ticket` reply as the scale received it.
    struct TicketReply: Sendable {
        let req: String
        let ok: Bool
        /// The ticket code, or the refusal's `error`.
        let outcome: String

        init?(json payload: [UInt8]) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                  let req = object["req"] as? String, let ok = object["ok"] as? Bool else { return nil }
            self.req = req
            self.ok = ok
            outcome = (object[ok ? "code" : "error"] as? String) ?? "?"
        }
    }

    var sent: [Sent] = []
    var replies: [TicketReply] = []
}

extension Fleet {
    /// Writes every device's ledger as tab-separated lines, for scripts to compare with the
    /// database:
    ///
    ///     sent    <site>  <device>  <boot>  <seq>  <req or ->
    ///     ticket  <site>  <device>  <req>   <ok: 1/0>  <code or error>
    ///
    /// Needs `SimulatorOptions.keepLedger`; call it after `stop()` so that nothing changes meanwhile.
    public func writeLedger(to path: String) throws {
        guard options.keepLedger else {
            throw SimulatorOptionsError(problem: "writeLedger needs keepLedger")
        }
        var text = ""
        for device in devices {
            guard let ledger = device.ledger else { continue }
            let prefix = "\(device.key.site.rawValue)\t\(device.key.device.rawValue)\t"
            for entry in ledger.sent {
                text += "sent\t\(prefix)\(entry.boot)\t\(entry.seq)\t\(entry.req ?? "-")\n"
            }
            for reply in ledger.replies {
                text += "ticket\t\(prefix)\(reply.req)\t\(reply.ok ? 1 : 0)\t\(reply.outcome)\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
