import CameraVision
import Crypto
import Foundation
import KitchenModel
import KitchenRules
import StorageModel
import Synchronization

/// Takes ratings and complaints from the public pages, without a login: each post passes the
/// per-address and per-site limits, its text and photos are checked (photos by the camera
/// module's JPEG inspector), repeats are suppressed, and a complaint's steps are stored with
/// their webhook messages and then published to the site and its regulator, as alarms are.
final class FeedbackDesk: Sendable {
    let dependencies: APIDependencies
    private let clients: ClientRateLimiter
    private let sites: ClientRateLimiter
    private let clientKey = Mutex<Data?>(nil)

    static let maxPhotos = 3
    static let maxPhotoBytes = 4 * 1024 * 1024
    /// The whole multipart post: three photos and the text, with room for the parts' headers.
    static let maxBodyBytes = maxPhotos * maxPhotoBytes + 64 * 1024
    static let maxTextCharacters = 1000
    static let minTextCharacters = 5
    static let maxContactCharacters = 40
    /// A second identical complaint (site, kind, text, photos, address) within this long is the same case.
    static let duplicateWindow: EpochMillis = 24 * 3_600_000
    static let inspector = JPEGInspector(limits: JPEGLimits(maxBytes: maxPhotoBytes), maxTrailingBytes: 64 * 1024)

    var settings: FeedbackSettings { dependencies.feedback }
    var metrics: FeedbackMetrics { dependencies.feedback.metrics }

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
        clients = ClientRateLimiter(limit: dependencies.feedback.perClient)
        sites = ClientRateLimiter(limit: dependencies.feedback.perSite)
    }

    /// The per-address limit, then the per-site one (a refused address takes nothing from its site).
    func admit(client: String, site: SiteID) throws(FeedbackRefusal) {
        if case .limited(let seconds) = clients.take(client: client) {
            throw FeedbackRefusal(reason: "rate_limited_client", status: .tooManyRequests,
                                  zh: "提交过于频繁，请 \(seconds) 秒后再试。", en: "Too many posts; try again in \(seconds) s.",
                                  retryAfter: seconds)
        }
        if case .limited(let seconds) = sites.take(client: site.rawValue) {
            throw FeedbackRefusal(reason: "rate_limited_site", status: .tooManyRequests,
                                  zh: "该厨房此刻收到的评价和投诉过多，请 \(seconds) 秒后再试，或拨打 12315。",
                                  en: "This kitchen is receiving too many posts right now; try again in \(seconds) s, or call 12315.",
                                  retryAfter: seconds)
        }
    }

    // MARK: ratings

    /// Stores a smiley rating (1 不满意, 2 一般, 3 满意 for food and for hygiene).
    func rate(_ site: SiteConfig, form: FeedbackForm, client: String) throws -> RatingRecord {
        func score(_ name: String, _ label: String) throws(FeedbackRefusal) -> Int {
            guard let text = form.fields[name], let value = Int(text), (1...3).contains(value) else {
                throw .bad("bad_rating", "请为“\(label)”选择一个表情。", "Choose a face for '\(name)'.")
            }
            return value
        }
        let food = try score("food", "菜品质量")
        let hygiene = try score("hygiene", "环境卫生")
        let source = try source(form)
        let now = dependencies.clock.now()
        let rating = RatingRecord(site: site.id, at: now, day: ComplaintClocks.beijingDate(now).description, food: food,
                                  hygiene: hygiene, source: source.name, client: try clientHash(client))
        guard try dependencies.store.insertRating(rating) else {
            throw FeedbackRefusal(reason: "duplicate_rating", status: .conflict, zh: "您今天已经评价过这家厨房，谢谢！",
                                  en: "You have already rated this kitchen today. Thank you!")
        }
        metrics.accepted("rating")
        return rating
    }

    // MARK: complaints

    /// Files a complaint or tip-off; a repeat of one the same address filed within a day returns that case.
    func file(_ site: SiteConfig, form: FeedbackForm, client: String) throws -> (ComplaintRecord, duplicate: Bool) {
        guard let kind = form.fields["kind"].flatMap(FeedbackKind.init(rawValue:)) else {
            throw FeedbackRefusal.bad("bad_kind", "请选择“投诉”或“举报”。", "Choose complaint or tip-off.")
        }
        let text = try Self.text(form.fields["text"])
        let contact = try Self.contact(form.fields["contact"])
        let source = try source(form)
        guard form.photos.count <= Self.maxPhotos else {
            throw FeedbackRefusal.bad("too_many_photos", "照片最多 \(Self.maxPhotos) 张。", "At most \(Self.maxPhotos) photos.")
        }
        var photos: [ComplaintPhoto] = []
        for (index, jpeg) in form.photos.enumerated() {
            do {
                let header = try Self.inspector.inspect(jpeg)
                photos.append(ComplaintPhoto(jpeg: jpeg, width: header.width, height: header.height))
            } catch {
                let (reason, zh) = switch error {
                case .tooManyBytes: ("photo_too_large", "第 \(index + 1) 张照片超过 \(Self.maxPhotoBytes >> 20) MB。")
                case .dimensionsTooLarge: ("photo_too_large", "第 \(index + 1) 张照片尺寸过大。")
                default: ("photo_not_jpeg", "第 \(index + 1) 张不是有效的 JPEG 照片（请选择相机拍摄的 JPG 照片）。")
                }
                throw FeedbackRefusal.bad(reason, zh, "Photo \(index + 1): \(error.description)")
            }
        }
        let now = dependencies.clock.now()
        // The sender is part of it: a repeat gets back its own receipt, never someone else's.
        let fingerprint = Self.fingerprint(site: site.id, kind: kind, text: text, photos: form.photos,
                                           sender: try clientHash(client))
        if let earlier = try dependencies.store.complaint(fingerprint: fingerprint, since: now - Self.duplicateWindow) {
            metrics.refused("duplicate")
            return (earlier, true)
        }
        let calendar = settings.calendar.calendar
        let complaint = ComplaintRecord(
            id: "cp_" + Self.randomText(16, alphabet: Array("0123456789abcdef")), receipt: Self.newReceipt(), site: site.id,
            region: site.region.description, kind: kind, text: text, contact: contact, source: source.name,
            ticket: source.ticket, state: .received, receivedAt: now,
            decideBy: kind == .complaint ? ComplaintClocks.deadline(ComplaintClocks.decideWorkingDays, after: now, calendar: calendar) : nil,
            closeBy: kind == .tipoff ? ComplaintClocks.deadline(ComplaintClocks.checkWorkingDays, after: now, calendar: calendar) : nil,
            photoCount: photos.count, fingerprint: fingerprint, updatedAt: now)
        let step = ComplaintStep(complaintID: complaint.id, at: now, kind: "received", actor: nil, note: nil)
        let message = ComplaintMessage.json(complaint, step: step, site: site)
        try dependencies.store.insertComplaint(complaint, photos: photos, step: step, outboxTargets: webhookTargets,
                                               message: message, now: now)
        metrics.accepted(kind.rawValue)
        metrics.step("received")
        publish(complaint, message: message)
        return (complaint, false)
    }

    var webhookTargets: [String] { settings.feed?.webhookTargets ?? [] }

    /// The site's topic and its regulator's. A tip-off reaches the site only once it is closed:
    /// telling a kitchen it has been reported before anyone checks would defeat the check.
    func publish(_ complaint: ComplaintRecord, message: [UInt8]) {
        guard let feed = settings.feed else { return }
        if complaint.kind == .complaint || complaint.state == .closed {
            feed.publish(topic: Topic.siteFeed(complaint.site, .complaints).description, payload: message)
        }
        if let region = RegionCode(complaint.region) {
            feed.publish(topic: Topic.regulatorFeed(region, .complaints).description, payload: message)
        }
    }

    // MARK: checks

    /// The complaint's text: required, at most 1000 characters; line breaks are kept (a textarea's),
    /// every other control or bidi-override character is refused.
    static func text(_ raw: String?) throws(FeedbackRefusal) -> String {
        let text = (raw ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= minTextCharacters else {
            throw .bad("text_missing", "请写明情况（至少 \(minTextCharacters) 个字）。", "Describe what happened (at least \(minTextCharacters) characters).")
        }
        do {
            try TypedText.check(text.replacingOccurrences(of: "\n", with: " "), field: "text", characters: maxTextCharacters)
        } catch {
            let reason = TypedText.forbiddenScalar(in: text.replacingOccurrences(of: "\n", with: " ")) == nil
                ? "text_too_long" : "text_forbidden_character"
            throw .bad(reason, reason == "text_too_long" ? "内容过长：最多 \(maxTextCharacters) 个字。" : "内容含有不允许的控制字符。",
                       error.message)
        }
        return text
    }

    static func contact(_ raw: String?) throws(FeedbackRefusal) -> String? {
        let contact = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !contact.isEmpty else { return nil }
        do {
            try TypedText.check(contact, field: "contact", characters: maxContactCharacters)
        } catch {
            throw .bad("bad_contact", "联系方式最多 \(maxContactCharacters) 个字，且只能一行。", error.message)
        }
        return contact
    }

    /// Where the post came from: the kitchen page, or a ticket page (whose code must be genuine).
    private func source(_ form: FeedbackForm) throws(FeedbackRefusal) -> (name: String, ticket: String?) {
        guard let raw = form.fields["ticket"], !raw.isEmpty else { return ("kitchen", nil) }
        guard raw.utf8.count <= 64, let code = try? dependencies.traceability.verify(raw) else {
            throw .bad("bad_ticket", "小票上的溯源码无效。", "The ticket code is not genuine.")
        }
        return ("ticket", code.text)
    }

    /// A keyed hash of the client address: the same address rates once a day, and the store
    /// never holds an address. The key is made once per store and kept in its meta table.
    private func clientHash(_ client: String) throws -> String {
        HMAC<SHA256>.authenticationCode(for: Array(client.utf8), using: try clientHashKey()).prefix(16)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// Read (or made) outside the lock: two first posts at once may each make one, the later
    /// write wins and at most one rating of that moment escapes the once-a-day check.
    private func clientHashKey() throws -> SymmetricKey {
        if let cached = clientKey.withLock({ $0 }) { return SymmetricKey(data: cached) }
        let name = "feedback_client_key"
        if try dependencies.store.meta(name) == nil {
            try dependencies.store.setMeta(name, SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() })
        }
        guard let stored = try dependencies.store.meta(name), let data = Data(base64Encoded: stored) else {
            throw FeedbackRefusal(reason: "unavailable", status: .serviceUnavailable, zh: "暂时无法提交，请稍后再试。",
                                  en: "Cannot take posts right now; try again later.")
        }
        clientKey.withLock { $0 = data }
        return SymmetricKey(data: data)
    }

    static func fingerprint(site: SiteID, kind: FeedbackKind, text: String, photos: [[UInt8]], sender: String) -> String {
        var hash = SHA256()
        let normalised = text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        hash.update(data: Array("\(site.rawValue)\n\(kind.rawValue)\n\(sender)\n\(normalised)\n".utf8))
        for photo in photos { hash.update(data: Array(SHA256.hash(data: photo))) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// No 0/O, 1/I/L: read aloud over the phone or copied by hand without mistakes.
    static let receiptAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    static func newReceipt() -> String { randomText(12, alphabet: receiptAlphabet) }

    /// A receipt as typed: dashes, spaces and case ignored; nil if it cannot be one.
    static func normalisedReceipt(_ raw: String) -> String? {
        let text = raw.uppercased().filter { $0 != "-" && $0 != " " }
        guard text.count == 12, text.allSatisfy(receiptAlphabet.contains) else { return nil }
        return text
    }

    /// `ABCD-EFGH-JKMN`.
    static func display(receipt: String) -> String {
        var out = ""
        for (i, c) in receipt.enumerated() {
            if i > 0 && i % 4 == 0 { out.append("-") }
            out.append(c)
        }
        return out
    }

    static func randomText(_ count: Int, alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
