import Foundation
import KitchenModel
import StorageModel
import TestSupport
import Testing

private let canteen = SiteID("canteen-01")!
private let other = SiteID("canteen-02")!
private let t0: EpochMillis = 1_795_305_600_000

private func complaint(_ id: String, site: SiteID = canteen, region: String = "420106", kind: FeedbackKind = .complaint,
                       at: EpochMillis = t0, fingerprint: String = "f") -> ComplaintRecord {
    ComplaintRecord(id: id, receipt: "R\(id.uppercased())", site: site, region: region, kind: kind, text: "饭菜里有头发",
                    contact: "13800000000", source: "kitchen", ticket: nil, state: .received, receivedAt: at,
                    decideBy: kind == .complaint ? at + 86_400_000 : nil, closeBy: kind == .tipoff ? at + 2 * 86_400_000 : nil,
                    photoCount: 1, fingerprint: fingerprint, updatedAt: at)
}

private func received(_ c: ComplaintRecord) -> ComplaintStep {
    ComplaintStep(complaintID: c.id, at: c.receivedAt, kind: "received", actor: nil, note: nil)
}

@Suite struct FeedbackStoreTests {
    @Test(arguments: StoreBackend.allCases) func oneRatingPerClientSiteAndDay(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let rating = RatingRecord(site: canteen, at: t0, day: "2026-11-22", food: 3, hygiene: 2, source: "kitchen", client: "c1")
        #expect(try store.insertRating(rating))
        #expect(try !store.insertRating(rating), "the same client, site and day")
        var tomorrow = rating
        tomorrow.day = "2026-11-23"
        tomorrow.at = t0 + 86_400_000
        tomorrow.food = 1
        #expect(try store.insertRating(tomorrow))
        var elsewhere = rating
        elsewhere.site = other
        #expect(try store.insertRating(elsewhere))
        var someoneElse = rating
        someoneElse.client = "c2"
        someoneElse.hygiene = 3
        #expect(try store.insertRating(someoneElse))

        let summary = try store.feedbackSummary(from: t0, until: t0 + 2 * 86_400_000)
        let here = try #require(summary.first { $0.site == canteen })
        #expect(here.ratings == 3)
        // PostgreSQL averages in numeric, then casts: equal to a few ulps.
        #expect(abs((here.foodAverage ?? 0) - 7.0 / 3) < 1e-9)
        #expect(abs((here.hygieneAverage ?? 0) - 7.0 / 3) < 1e-9)
        #expect(try store.feedbackSummary(from: t0, until: t0 + 1).first { $0.site == canteen }?.ratings == 2)
        #expect(try store.feedbackSummary(from: t0 + 1, until: t0 + 86_400_000).first { $0.site == canteen } == nil)
    }

    @Test(arguments: StoreBackend.allCases) func aComplaintIsStoredWithPhotosTrailAndOutboxTogether(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let c = complaint("cp_1")
        try store.insertComplaint(c, photos: [ComplaintPhoto(jpeg: [0xFF, 0xD8, 7, 0xFF, 0xD9], width: 4, height: 3)],
                                  step: received(c), outboxTargets: ["city"], message: Array(#"{"step":"received"}"#.utf8), now: t0)
        #expect(try store.complaint(id: "cp_1") == c)
        #expect(try store.complaint(receipt: c.receipt) == c)
        #expect(try store.complaint(receipt: "nope") == nil)
        #expect(try store.complaintPhoto(of: "cp_1", index: 0) == [0xFF, 0xD8, 7, 0xFF, 0xD9])
        #expect(try store.complaintPhoto(of: "cp_1", index: 1) == nil)
        #expect(try store.complaintSteps(of: "cp_1").map(\.kind) == ["received"])
        #expect(try store.dueOutbox(now: t0, target: "city").map { String(decoding: $0.body, as: UTF8.self) } == [#"{"step":"received"}"#])
        #expect(try store.complaint(fingerprint: "f", since: t0) == c)
        #expect(try store.complaint(fingerprint: "f", since: t0 + 1) == nil)
        #expect(try store.complaint(fingerprint: "g", since: 0) == nil)
    }

    @Test(arguments: StoreBackend.allCases) func aStepIsStoredOnlyOverTheVersionItWasDecidedOn(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let c = complaint("cp_1")
        try store.insertComplaint(c, photos: [], step: received(c), outboxTargets: [], message: [], now: t0)
        var accepted = c
        accepted.state = .accepted
        accepted.closeBy = t0 + 45 * 86_400_000
        accepted.version = 2
        accepted.updatedAt = t0 + 1000
        let step = ComplaintStep(complaintID: c.id, at: t0 + 1000, kind: "accepted", actor: "regulator:4201#1", note: "受理")
        #expect(try store.recordComplaintStep(accepted, step: step, outboxTargets: ["ops"], message: Array("a".utf8), now: t0 + 1000))
        var refused = c
        refused.state = .refused
        refused.version = 2
        let late = ComplaintStep(complaintID: c.id, at: t0 + 2000, kind: "refused", actor: "x", note: "y")
        #expect(try !store.recordComplaintStep(refused, step: late, outboxTargets: ["ops"], message: Array("r".utf8), now: t0 + 2000),
                "decided on version 1, which is gone")
        #expect(try store.complaint(id: c.id) == accepted)
        #expect(try store.complaintSteps(of: c.id) == [received(c), step])
        #expect(try store.dueOutbox(now: t0 + 5000, target: "ops").map(\.body) == [Array("a".utf8)])

        var closed = accepted
        closed.state = .closed
        closed.upheld = true
        closed.reply = "已责令整改"
        closed.closedAt = t0 + 3000
        closed.version = 3
        #expect(try store.recordComplaintStep(closed, step: ComplaintStep(complaintID: c.id, at: t0 + 3000, kind: "closed",
                                                                          actor: "x", note: nil),
                                              outboxTargets: [], message: [], now: t0 + 3000))
        let summary = try store.feedbackSummary(from: t0, until: t0 + 86_400_000)
        #expect(summary == [SiteFeedbackSummary(site: canteen, ratings: 0, foodAverage: nil, hygieneAverage: nil, upheldComplaints: 1)])
        #expect(try store.feedbackSummary(from: t0 + 3001, until: t0 + 86_400_000).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func listsByScopeStateAndClock(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let rows = [complaint("cp_a", at: t0), complaint("cp_b", region: "420107-01", kind: .tipoff, at: t0 + 10),
                    complaint("cp_c", site: other, region: "430102", at: t0 + 20)]
        for c in rows { try store.insertComplaint(c, photos: [], step: received(c), outboxTargets: [], message: [], now: c.receivedAt) }
        #expect(try store.complaints(ComplaintQuery()).map(\.id) == ["cp_c", "cp_b", "cp_a"])
        #expect(try store.complaints(ComplaintQuery(regionPrefix: "4201")).map(\.id) == ["cp_b", "cp_a"])
        #expect(try store.complaints(ComplaintQuery(regionPrefix: "420107-01")).map(\.id) == ["cp_b"])
        #expect(try store.complaints(ComplaintQuery(site: other)).map(\.id) == ["cp_c"])
        #expect(try store.complaints(ComplaintQuery(states: [.accepted])).isEmpty)
        #expect(try store.complaints(ComplaintQuery(states: [])).isEmpty)
        #expect(try store.complaints(ComplaintQuery(limit: 1)).map(\.id) == ["cp_c"])
        // Complaints' decisions are due a day after filing, the tip-off's check two days after.
        #expect(try store.complaintsPastDue(now: t0 + 86_400_000, limit: 10).isEmpty)
        #expect(try store.complaintsPastDue(now: t0 + 86_400_001, limit: 10).map(\.id) == ["cp_a"])
        #expect(try store.complaintsPastDue(now: t0 + 3 * 86_400_000, limit: 10).map(\.id) == ["cp_a", "cp_b", "cp_c"])
    }
}
