import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import PostgresStorage

/// How a shard owner's answer to a replica's alarm action travels through
/// `alarm_action_request.answer`: the record as applied, or the refusal with its facts, so the
/// replica answers exactly what the owner's engine decided (same status, same message).
enum AlarmActionAnswers {
    /// A `LifecycleError` as stored (the enum itself is not Codable).
    struct Refusal: Codable {
        var reason: String
        var alarmID: String
        var at: EpochMillis?
        var by: String?
        var kind: AlarmKind?

        init(_ error: LifecycleError) {
            switch error {
            case .actorRequired(let id): self.init(reason: "actor_required", alarmID: id)
            case .alarmClosed(let id, let at): self.init(reason: "alarm_closed", alarmID: id, at: at)
            case .alreadyAcknowledged(let id, let by, let at): self.init(reason: "already_acknowledged", alarmID: id, at: at, by: by)
            case .alreadyRectified(let id, let at): self.init(reason: "already_rectified", alarmID: id, at: at)
            case .actionRequired(let id): self.init(reason: "action_required", alarmID: id)
            case .conditionNotCleared(let id, let kind): self.init(reason: "condition_not_cleared", alarmID: id, kind: kind)
            case .reasonRequired(let id): self.init(reason: "reason_required", alarmID: id)
            }
        }

        init(reason: String, alarmID: String, at: EpochMillis? = nil, by: String? = nil, kind: AlarmKind? = nil) {
            self.reason = reason
            self.alarmID = alarmID
            self.at = at
            self.by = by
            self.kind = kind
        }

        var error: LifecycleError? {
            switch reason {
            case "actor_required": .actorRequired(alarmID: alarmID)
            case "alarm_closed": .alarmClosed(alarmID: alarmID, closedAt: at)
            case "already_acknowledged": .alreadyAcknowledged(alarmID: alarmID, by: by, at: at)
            case "already_rectified": .alreadyRectified(alarmID: alarmID, at: at)
            case "action_required": .actionRequired(alarmID: alarmID)
            case "condition_not_cleared": kind.map { .conditionNotCleared(alarmID: alarmID, kind: $0) }
            case "reason_required": .reasonRequired(alarmID: alarmID)
            default: nil
            }
        }
    }

    /// The owner's side: applies one request with its alarm engine and says what happened.
    static func apply(_ request: AlarmActionRequests.Request, with alarms: any AlarmActions) -> AlarmActionRequests.Answer {
        let evidence = (try? JSONDecoder().decode([String].self, from: Data(request.evidence.utf8))) ?? []
        do throws(AlarmActionError) {
            let record: AlarmRecord
            switch request.action {
            case "ack": record = try alarms.acknowledge(id: request.alarmID, by: request.actor, note: request.note)
            case "rectify":
                record = try alarms.rectify(id: request.alarmID, by: request.actor, action: request.rectifyAction ?? "",
                                            evidence: evidence)
            case "close": record = try alarms.close(id: request.alarmID, by: request.actor, note: request.note)
            default: return .init(state: "not_found", answer: "unknown action '\(request.action)'")
            }
            let json = (try? JSONEncoder().encode(record)).map { String(decoding: $0, as: UTF8.self) }
            return .init(state: "done", answer: json)
        } catch {
            switch error {
            case .notFound: return .init(state: "not_found", answer: nil)
            case .refused(let refusal):
                let json = (try? JSONEncoder().encode(Refusal(refusal))).map { String(decoding: $0, as: UTF8.self) }
                return .init(state: "refused", answer: json)
            case .notRecorded: return .init(state: "not_recorded", answer: nil)
            }
        }
    }

    /// The replica's side: the owner's answer as the engine's own result.
    static func result(_ answer: AlarmActionRequests.Answer, alarmID: String) throws(AlarmActionError) -> AlarmRecord {
        switch answer.state {
        case "done":
            guard let json = answer.answer,
                  let record = try? JSONDecoder().decode(AlarmRecord.self, from: Data(json.utf8)) else {
                throw .notRecorded(alarmID)
            }
            return record
        case "refused":
            guard let json = answer.answer,
                  let refusal = try? JSONDecoder().decode(Refusal.self, from: Data(json.utf8)), let error = refusal.error
            else { throw .notRecorded(alarmID) }
            throw .refused(error)
        case "not_found": throw .notFound(alarmID)
        default: throw .notRecorded(alarmID)
        }
    }
}
