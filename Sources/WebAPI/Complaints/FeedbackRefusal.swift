import Hummingbird

/// Why a public rating or complaint was not taken: a reason code (counted in
/// `bk_feedback_refused_total`), the HTTP status, and what the person reads, in both languages.
struct FeedbackRefusal: Error {
    let reason: String
    let status: HTTPResponse.Status
    let zh: String
    let en: String
    /// Seconds to wait, for a 429.
    var retryAfter: Int? = nil

    static func bad(_ reason: String, _ zh: String, _ en: String) -> FeedbackRefusal {
        FeedbackRefusal(reason: reason, status: .badRequest, zh: zh, en: en)
    }
}
