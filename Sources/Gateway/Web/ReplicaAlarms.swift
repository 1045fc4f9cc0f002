import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import Logging
import PostgresStorage
import StorageModel

/// A web replica's alarms: the open ones from `ReplicaViews`, and the actions people take, which
/// the shard owner of the alarm's site applies (docs/scale-out.md, "Web replicas"). The owner holds
/// the alarm's live state, commits the step with its webhook outbox rows and publishes it on MQTT,
/// exactly as for an action taken on a single gateway, so an action is applied and pushed once
/// whichever replica took it; the same action sent twice gets the engine's refusal the second time.
public final class ReplicaAlarms: AlarmActions, OpenAlarms, Sendable {
    let views: ReplicaViews
    let store: any GatewayStore
    let requests: AlarmActionRequests
    let answers: AlarmAnswerWaiters
    let logger: Logger
    /// How long an unanswered request may wait for an owner before it is given up (a shard between
    /// owners is taken over within 15 s; a person retries rather than waits that long).
    let answerWithin: Duration

    init(views: ReplicaViews, store: any GatewayStore, requests: AlarmActionRequests, answers: AlarmAnswerWaiters,
         answerWithin: Duration = .seconds(8), logger: Logger) {
        self.views = views
        self.store = store
        self.requests = requests
        self.answers = answers
        self.answerWithin = answerWithin
        self.logger = logger
    }

    public func openAlarms(site: SiteID) -> [AlarmRecord] { views.openAlarms(site: site) }
    public func status(of site: SiteID) -> SiteStatus { views.status(of: site) }
    public func openAlarmsWithRegion() -> [OpenAlarm] { views.openAlarmsWithRegion() }

    public func acknowledge(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord {
        try act(id, action: "ack", actor: actor, note: note)
    }

    public func rectify(id: String, by actor: String, action: String, evidence: [String])
        throws(AlarmActionError) -> AlarmRecord
    {
        let json = (try? JSONEncoder().encode(evidence)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return try act(id, action: "rectify", actor: actor, rectifyAction: action, evidence: json)
    }

    public func close(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord {
        try act(id, action: "close", actor: actor, note: note)
    }

    /// Queues the request for the owner of the alarm's site and waits for its answer: woken by the
    /// answer's notification, and re-reading the row every 200 ms in case one was missed.
    private func act(_ id: String, action: String, actor: String, note: String? = nil, rectifyAction: String? = nil,
                     evidence: String = "[]") throws(AlarmActionError) -> AlarmRecord {
        let row: AlarmRow?
        do { row = try store.alarm(id: id) } catch {
            logger.error("cannot read the alarm for an action", metadata: ["alarm": "\(id)", "error": "\(error)"])
            throw .notRecorded(id)
        }
        guard let row else { throw .notFound(id) }
        let requestID: Int64
        do {
            requestID = try requests.submit(.init(alarmID: id, site: row.site.rawValue, action: action, actor: actor,
                                                  note: note, rectifyAction: rectifyAction, evidence: evidence))
        } catch {
            logger.error("cannot queue an alarm action", metadata: ["alarm": "\(id)", "error": "\(error)"])
            throw .notRecorded(id)
        }
        let semaphore = answers.register(requestID)
        defer { answers.unregister(requestID) }
        var deadline = ContinuousClock.now + answerWithin
        while true {
            _ = semaphore.wait(timeout: .now() + .milliseconds(200))
            do {
                if let answer = try requests.answer(requestID) {
                    return try AlarmActionAnswers.result(answer, alarmID: id)
                }
                if ContinuousClock.now >= deadline {
                    // Still pending: withdrawn, so it is never applied behind the person's back.
                    if try requests.expire(requestID) {
                        logger.warning("no shard owner answered an alarm action; withdrawn", metadata: [
                            "alarm": "\(id)", "site": "\(row.site)", "action": "\(action)",
                        ])
                        throw AlarmActionError.notRecorded(id)
                    }
                    // An owner took it meanwhile: its answer is coming.
                    deadline = ContinuousClock.now + answerWithin
                }
            } catch let error as AlarmActionError {
                throw error
            } catch {
                logger.error("cannot read an alarm action's answer", metadata: ["alarm": "\(id)", "error": "\(error)"])
                throw .notRecorded(id)
            }
        }
    }
}
