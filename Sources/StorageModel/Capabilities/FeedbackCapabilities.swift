import KitchenModel

/// Ratings and complaints from the public pages (docs/web.md, "Ratings and complaints"). A
/// complaint's steps are written with their webhook outbox rows in one transaction, as alarms' are.
public protocol FeedbackStore: Sendable {
    /// Stores a rating; false (nothing stored) when this client already rated this site that day.
    func insertRating(_ rating: RatingRecord) throws -> Bool
    /// Stores a new complaint, its photos, its first step and the outbox rows of its message.
    func insertComplaint(_ complaint: ComplaintRecord, photos: [ComplaintPhoto], step: ComplaintStep,
                         outboxTargets: [String], message: [UInt8], now: EpochMillis) throws
    /// Stores a later step: `updated` replaces the row only if the stored version is still
    /// `updated.version - 1` (false otherwise: someone else acted first, nothing stored).
    func recordComplaintStep(_ updated: ComplaintRecord, step: ComplaintStep, outboxTargets: [String],
                             message: [UInt8], now: EpochMillis) throws -> Bool
    func complaint(id: String) throws -> ComplaintRecord?
    func complaint(receipt: String) throws -> ComplaintRecord?
    /// The newest complaint with this fingerprint received at or after `since`.
    func complaint(fingerprint: String, since: EpochMillis) throws -> ComplaintRecord?
    /// Newest first.
    func complaints(_ query: ComplaintQuery) throws -> [ComplaintRecord]
    /// Oldest first.
    func complaintSteps(of id: String) throws -> [ComplaintStep]
    /// Photo `index` (0-based) of a complaint.
    func complaintPhoto(of id: String, index: Int) throws -> [UInt8]?
    /// Open complaints with a clock (`decideBy` or `closeBy`) ending before `now`.
    func complaintsPastDue(now: EpochMillis, limit: Int) throws -> [ComplaintRecord]
    /// Per site: ratings given in [from, until) and complaints closed upheld in [from, until).
    func feedbackSummary(from: EpochMillis, until: EpochMillis) throws -> [SiteFeedbackSummary]
}
