import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// What a regulator does with a complaint (the API and the dashboard's forms both come here).
enum ComplaintAction: String, CaseIterable {
    /// 受理: a complaint is taken up; mediation's 45 working days start.
    case accept
    /// 不予受理: a complaint is refused, with the reason the complainant reads.
    case refuse
    /// 办结: an accepted complaint or a tip-off is closed with a reply and whether it was upheld.
    case close
}

extension FeedbackDesk {
    static let maxReplyCharacters = 500

    /// One regulator step on a complaint; every step is kept in its trail.
    func act(_ action: ComplaintAction, on complaint: ComplaintRecord, by actor: String, reply rawReply: String?,
             upheld: Bool?) throws -> ComplaintRecord {
        let reply = try TypedText.optional(rawReply.map { $0.trimmingCharacters(in: .whitespaces) }, field: "reply",
                                           characters: Self.maxReplyCharacters).flatMap { $0.isEmpty ? nil : $0 }
        let now = dependencies.clock.now()
        var next = complaint
        switch (action, complaint.kind, complaint.state) {
        case (.accept, .complaint, .received):
            next.state = .accepted
            next.closeBy = ComplaintClocks.deadline(ComplaintClocks.mediateWorkingDays, after: now,
                                                    calendar: settings.calendar.calendar)
            next.reply = reply
        case (.refuse, .complaint, .received):
            guard let reply else { throw APIError.badRequest("refusing a complaint needs a reply: the reason the complainant reads") }
            next.state = .refused
            next.reply = reply
            next.upheld = false
            next.closedAt = now
        case (.close, .complaint, .accepted), (.close, .tipoff, .received), (.close, .tipoff, .accepted):
            guard let reply else { throw APIError.badRequest("closing needs a reply: what was found and done") }
            guard let upheld else { throw APIError.badRequest("closing needs 'upheld': true (成立) or false (不成立)") }
            next.state = .closed
            next.reply = reply
            next.upheld = upheld
            next.closedAt = now
        default:
            throw APIError(.conflict, "invalid_transition",
                           "a \(complaint.kind.rawValue) that is \(complaint.state.rawValue) cannot be \(action.rawValue)ed")
        }
        next.version += 1
        next.updatedAt = now
        let note = action == .close ? "\(upheld == true ? "成立" : "不成立")；\(reply ?? "")" : reply
        let step = ComplaintStep(complaintID: complaint.id, at: now, kind: next.state.rawValue, actor: actor, note: note)
        try commit(next, step: step)
        return next
    }

    /// Escalates every open complaint whose clock ran out, once per clock: the step goes to the
    /// trail, the site's regulator topic and the webhooks, naming the level above. Returns how many.
    @discardableResult
    func sweep() throws -> Int {
        let now = dependencies.clock.now()
        var escalated = 0
        for complaint in try dependencies.store.complaintsPastDue(now: now, limit: 1000) {
            let clock: String
            if complaint.state == .received, let due = complaint.decideBy, due < now, complaint.escalated == nil {
                clock = "decide"
            } else if let due = complaint.closeBy, due < now, complaint.escalated != "close" {
                clock = "close"
            } else {
                continue
            }
            var next = complaint
            next.escalated = clock
            next.version += 1
            next.updatedAt = now
            let note = switch (clock, complaint.kind) {
            case ("decide", _): "超过 \(ComplaintClocks.decideWorkingDays) 个工作日未决定是否受理，已提级督办"
            case (_, .tipoff): "超过 \(ComplaintClocks.checkWorkingDays) 个工作日未核查办结，已提级督办"
            default: "超过 \(ComplaintClocks.mediateWorkingDays) 个工作日未办结，已提级督办"
            }
            let step = ComplaintStep(complaintID: complaint.id, at: now, kind: "escalated", actor: nil, note: note)
            if try commit(next, step: step, escalateTo: Self.levelAbove(complaint.region), raise: false) { escalated += 1 }
        }
        return escalated
    }

    /// Stores a step over the version it was decided on, then publishes it. A step that lost
    /// the race to another is refused (`raise`) or skipped (the sweep sees it next time).
    @discardableResult
    private func commit(_ next: ComplaintRecord, step: ComplaintStep, escalateTo: String? = nil, raise: Bool = true) throws -> Bool {
        let site = dependencies.sites.site(next.site)
        let message = ComplaintMessage.json(next, step: step, site: site, escalateTo: escalateTo)
        guard try dependencies.store.recordComplaintStep(next, step: step, outboxTargets: webhookTargets, message: message,
                                                         now: step.at) else {
            if raise { throw APIError(.conflict, "changed_meanwhile", "complaint '\(next.id)' changed meanwhile; reload and try again") }
            return false
        }
        metrics.step(step.kind)
        publish(next, message: message)
        return true
    }

    /// The regulator above a division: a station's county, a county's city, a city's province.
    static func levelAbove(_ region: String) -> String {
        if let dash = region.firstIndex(of: "-") { return String(region[..<dash]) }
        return region.count > 4 ? String(region.prefix(4)) : String(region.prefix(2))
    }
}

/// A complaint step as the site's and regulator's topics and the webhooks receive it. Never the
/// receipt (the complainant's own key) nor the contact (the regulator reads it on the dashboard).
struct ComplaintMessage: Encodable {
    var type = "complaint"
    var step: String
    var at: EpochMillis
    var actor: String?
    var note: String?
    var complaint: ComplaintView
    var escalateTo: String?
    var messageZH: String

    enum CodingKeys: String, CodingKey {
        case type, step, at, actor, note, complaint, escalateTo = "escalate_to", messageZH = "message_zh"
    }

    static func json(_ c: ComplaintRecord, step: ComplaintStep, site: SiteConfig?, escalateTo: String? = nil) -> [UInt8] {
        let name = site?.name ?? c.site.rawValue
        let what = c.kind == .complaint ? "投诉" : "举报"
        let text = switch step.kind {
        case "received": "\(name) 收到一件\(what)，请在期限内处理。"
        case "accepted": "\(name) 的\(what)已受理。"
        case "refused": "\(name) 的\(what)不予受理。"
        case "closed": "\(name) 的\(what)已办结（\(c.upheld == true ? "成立" : "不成立")）。"
        default: "\(name) 的\(what)已超期，提级至 \(escalateTo ?? "上级") 督办。"
        }
        let message = ComplaintMessage(step: step.kind, at: step.at, actor: step.actor, note: step.note,
                                       complaint: ComplaintView(c, siteName: site?.name, withContact: false),
                                       escalateTo: escalateTo, messageZH: text)
        return JSONBody.encode(message)
    }
}

/// A complaint as the API and the messages show it.
struct ComplaintView: Encodable {
    var id: String
    var kind: String
    var state: String
    var site: String
    var siteName: String?
    var region: String
    var text: String
    var contact: String?
    var source: String
    var ticket: String?
    var photos: Int
    var receivedAt: EpochMillis
    var decideBy: EpochMillis?
    var closeBy: EpochMillis?
    var escalated: String?
    var upheld: Bool?
    var reply: String?
    var closedAt: EpochMillis?

    init(_ c: ComplaintRecord, siteName: String?, withContact: Bool) {
        id = c.id
        kind = c.kind.rawValue
        state = c.state.rawValue
        site = c.site.rawValue
        self.siteName = siteName
        region = c.region
        text = c.text
        contact = withContact ? c.contact : nil
        source = c.source
        ticket = c.ticket
        photos = c.photoCount
        receivedAt = c.receivedAt
        decideBy = c.decideBy
        closeBy = c.closeBy
        escalated = c.escalated
        upheld = c.upheld
        reply = c.reply
        closedAt = c.closedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, site, siteName = "site_name", region, text, contact, source, ticket, photos
        case receivedAt = "received_at", decideBy = "decide_by", closeBy = "close_by", escalated, upheld, reply
        case closedAt = "closed_at"
    }
}
