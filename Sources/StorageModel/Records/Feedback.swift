import KitchenModel

/// 投诉 (a complaint: the complainant wants something put right) or 举报 (a tip-off: someone
/// reports a violation for the regulator to check). Their legal clocks differ (docs/rules.md).
public enum FeedbackKind: String, Sendable, Codable, CaseIterable {
    case complaint
    case tipoff
}

/// Where a complaint stands. A complaint is `received`, then `accepted` or `refused` (refusal
/// ends it), then `closed` with a reply; a tip-off goes from `received` (or `accepted`) to `closed`.
public enum ComplaintState: String, Sendable, Codable, CaseIterable {
    case received, accepted, refused, closed

    public var isOpen: Bool { self == .received || self == .accepted }
}

/// One complaint or tip-off from the public pages. The complainant's address is never kept,
/// only a keyed hash of it (to suppress repeats); the text and photos are what they sent.
public struct ComplaintRecord: Sendable, Equatable {
    public var id: String
    /// What the complainant follows the case with (`/c/{receipt}`): 12 characters of an
    /// unambiguous alphabet, unguessable (31^12, about 59 bits).
    public var receipt: String
    public var site: SiteID
    /// The site's division code when it was filed (the regulator it went to).
    public var region: String
    public var kind: FeedbackKind
    public var text: String
    /// A phone number or other way to reach the complainant, if given (shown to the regulator only).
    public var contact: String?
    /// `kitchen` (the public kitchen page) or `ticket` (a ticket page).
    public var source: String
    /// The ticket's code when filed from a ticket page.
    public var ticket: String?
    public var state: ComplaintState
    public var receivedAt: EpochMillis
    /// When accepting or refusing is due (complaints; nil for tip-offs).
    public var decideBy: EpochMillis?
    /// When closing is due: a tip-off's check, an accepted complaint's mediation.
    public var closeBy: EpochMillis?
    /// Which clock was last escalated as overdue (`decide`, `close`), so each escalates once.
    public var escalated: String?
    /// Whether the regulator found it upheld (成立), set when closed.
    public var upheld: Bool?
    /// The regulator's reply to the complainant (refusal reason or closing reply), shown publicly by receipt.
    public var reply: String?
    public var closedAt: EpochMillis?
    public var photoCount: Int
    /// Site, kind, sender (keyed hash), text (normalised) and photos, hashed: the same sender's
    /// second identical filing within a day is the same case.
    public var fingerprint: String
    /// Bumped by every step: a step is stored only over the version it was decided on.
    public var version: Int64
    public var updatedAt: EpochMillis

    public init(id: String, receipt: String, site: SiteID, region: String, kind: FeedbackKind, text: String,
                contact: String?, source: String, ticket: String?, state: ComplaintState, receivedAt: EpochMillis,
                decideBy: EpochMillis?, closeBy: EpochMillis?, escalated: String? = nil, upheld: Bool? = nil,
                reply: String? = nil, closedAt: EpochMillis? = nil, photoCount: Int, fingerprint: String,
                version: Int64 = 1, updatedAt: EpochMillis) {
        self.id = id
        self.receipt = receipt
        self.site = site
        self.region = region
        self.kind = kind
        self.text = text
        self.contact = contact
        self.source = source
        self.ticket = ticket
        self.state = state
        self.receivedAt = receivedAt
        self.decideBy = decideBy
        self.closeBy = closeBy
        self.escalated = escalated
        self.upheld = upheld
        self.reply = reply
        self.closedAt = closedAt
        self.photoCount = photoCount
        self.fingerprint = fingerprint
        self.version = version
        self.updatedAt = updatedAt
    }
}

/// One step of a complaint's trail, kept forever: received, accepted, refused, closed, escalated.
public struct ComplaintStep: Sendable, Equatable {
    public var complaintID: String
    public var at: EpochMillis
    public var kind: String
    public var actor: String?
    public var note: String?

    public init(complaintID: String, at: EpochMillis, kind: String, actor: String?, note: String?) {
        self.complaintID = complaintID
        self.at = at
        self.kind = kind
        self.actor = actor
        self.note = note
    }
}

/// A photo sent with a complaint, checked as a JPEG before it is kept.
public struct ComplaintPhoto: Sendable, Equatable {
    public var jpeg: [UInt8]
    public var width: Int
    public var height: Int

    public init(jpeg: [UInt8], width: Int, height: Int) {
        self.jpeg = jpeg
        self.width = width
        self.height = height
    }
}

/// A diner's or parent's smiley rating: 菜品质量 (food) and 环境卫生 (hygiene), each 1 (不满意)
/// to 3 (满意). One per address, site and Beijing day.
public struct RatingRecord: Sendable, Equatable {
    public var site: SiteID
    public var at: EpochMillis
    /// The Beijing date, `YYYY-MM-DD`.
    public var day: String
    public var food: Int
    public var hygiene: Int
    public var source: String
    /// A keyed hash of the rater's address: one rating a day each, nothing to identify them.
    public var client: String

    public init(site: SiteID, at: EpochMillis, day: String, food: Int, hygiene: Int, source: String, client: String) {
        self.site = site
        self.at = at
        self.day = day
        self.food = food
        self.hygiene = hygiene
        self.source = source
        self.client = client
    }
}

/// Which complaints a list shows; a regulator's scope narrows `regionPrefix`.
public struct ComplaintQuery: Sendable, Equatable {
    public var site: SiteID?
    public var regionPrefix: String?
    public var states: [ComplaintState]?
    public var limit: Int

    public init(site: SiteID? = nil, regionPrefix: String? = nil, states: [ComplaintState]? = nil, limit: Int = 200) {
        self.site = site
        self.regionPrefix = regionPrefix
        self.states = states
        self.limit = limit
    }
}

/// One site's public feedback over a date range: what grading reads (issue 19, item 4).
public struct SiteFeedbackSummary: Sendable, Equatable {
    public var site: SiteID
    public var ratings: Int
    /// Averages of 1…3; nil without ratings.
    public var foodAverage: Double?
    public var hygieneAverage: Double?
    /// Complaints and tip-offs closed as upheld (成立) within the range.
    public var upheldComplaints: Int

    public init(site: SiteID, ratings: Int, foodAverage: Double?, hygieneAverage: Double?, upheldComplaints: Int) {
        self.site = site
        self.ratings = ratings
        self.foodAverage = foodAverage
        self.hygieneAverage = hygieneAverage
        self.upheldComplaints = upheldComplaints
    }
}
