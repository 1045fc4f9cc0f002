import KitchenModel
import KitchenRules
import Testing

@Suite struct GradeRulesTests {
    let rules = GradeRules()

    func facts(_ build: (inout SiteRecordFacts) -> Void = { _ in }) -> SiteRecordFacts {
        var f = SiteRecordFacts(windowDays: 90)
        build(&f)
        return f
    }

    @Test func aCleanRecordIsExcellentAndItsRiskFollowsTheKindOfKitchen() {
        let restaurant = rules.grade(facts(), kind: .restaurant)
        #expect(restaurant.score == 100)
        #expect(restaurant.smiley == .excellent)
        #expect(restaurant.risk == .a)
        #expect(restaurant.deductions.isEmpty)
        // A school canteen starts with more static points: still A with a clean record.
        #expect(rules.grade(facts(), kind: .canteen).riskPoints == 30)
        #expect(rules.grade(facts(), kind: .canteen).risk == .a)
    }

    @Test func deductionsAreCappedPerRule() {
        let grade = rules.grade(facts { $0.class3Violations = 40; $0.temperatureExcursions = 3 }, kind: .restaurant)
        #expect(grade.deductions == [Deduction(rule: "class3_violations", points: 5),
                                     Deduction(rule: "temperature_excursions", points: 6)])
        #expect(grade.score == 89)
        #expect(grade.smiley == .good)
    }

    @Test func theSmileyBandsAreThoseOfTheDraft() {
        // 11, 10, 25, 40 and 44 points lost.
        #expect(rules.grade(facts { $0.yellowCards = 2; $0.class2Violations = 1 }, kind: .restaurant).score == 89)
        #expect(rules.grade(facts { $0.temperatureExcursions = 5 }, kind: .restaurant).smiley == .excellent)  // 90
        #expect(rules.grade(facts { $0.temperatureExcursions = 10; $0.class3Violations = 5 }, kind: .restaurant).smiley == .good)  // 75
        #expect(rules.grade(facts { $0.temperatureExcursions = 10; $0.class2Violations = 5; $0.class3Violations = 5 },
                            kind: .restaurant).smiley == .fair)  // 60
        let low = rules.grade(facts { $0.temperatureExcursions = 10; $0.class2Violations = 5; $0.class3Violations = 5
            $0.yellowCards = 1 }, kind: .restaurant)
        #expect(low.score == 56)
        #expect(low.smiley == .ungraded)
        #expect(low.ungradedBecause == .lowScore)
    }

    @Test func twoFailedKeyItemsGiveNoGradeWhateverTheScore() {
        let grade = rules.grade(facts { $0.class1Violations = 1; $0.upheldComplaints = 1 }, kind: .restaurant)
        #expect(grade.score == 85)
        #expect(grade.failedKeyItems == ["class1_violations", "upheld_complaints"])
        #expect(grade.smiley == .ungraded)
        #expect(grade.ungradedBecause == .keyItems)
        // One key item alone still grades.
        #expect(rules.grade(facts { $0.class1Violations = 2 }, kind: .restaurant).smiley == .good)
    }

    @Test func aRedCardIsASeriousViolationAndGoesStraightToD() {
        let grade = rules.grade(facts { $0.yellowCards = 1; $0.redCards = 1 }, kind: .restaurant)
        #expect(grade.score == 86)
        #expect(grade.riskPoints == 29)
        #expect(grade.risk == .d)
    }

    @Test func riskBandsFollowStaticPlusLostPoints() {
        #expect(rules.riskGrade(points: 30) == .a)
        #expect(rules.riskGrade(points: 31) == .b)
        #expect(rules.riskGrade(points: 45) == .b)
        #expect(rules.riskGrade(points: 60) == .c)
        #expect(rules.riskGrade(points: 61) == .d)
        #expect(RiskGrade.d.inspectionsPerYear == 3...4)
        // A canteen that lost 20 points: 30 + 20 = 50, C.
        #expect(rules.grade(facts { $0.temperatureExcursions = 10 }, kind: .canteen).risk == .c)
    }

    @Test func newlyLicensedAndRecentIncidentAreNotGraded() {
        #expect(rules.grade(facts { $0.daysSinceLicensed = 89 }, kind: .restaurant).ungradedBecause == .newlyLicensed)
        #expect(rules.grade(facts { $0.daysSinceLicensed = 90 }, kind: .restaurant).smiley == .excellent)
        #expect(rules.grade(facts { $0.daysSinceIncident = 179 }, kind: .restaurant).ungradedBecause == .recentIncident)
        #expect(rules.grade(facts { $0.daysSinceIncident = 180 }, kind: .restaurant).smiley == .excellent)
    }

    @Test func ratingsCountOnlyWithEnoughOfThemAndBelowTheFloor() {
        #expect(rules.grade(facts { $0.ratings = 9; $0.satisfiedShare = 0 }, kind: .restaurant).score == 100)
        #expect(rules.grade(facts { $0.ratings = 10; $0.satisfiedShare = 0.6 }, kind: .restaurant).score == 100)
        #expect(rules.grade(facts { $0.ratings = 10; $0.satisfiedShare = 0.3 }, kind: .restaurant).score == 95)
        #expect(rules.grade(facts { $0.ratings = 50; $0.satisfiedShare = 0 }, kind: .restaurant).score == 90)
    }

    @Test func monthlyListsNeedAWholeMonthForRedAndOneBadNightForBlack() {
        let excellent = rules.grade(facts(), kind: .restaurant)
        let red = rules.grade(facts { $0.redCards = 1 }, kind: .restaurant)
        var grades: [(site: String, grade: SiteGrade)] = []
        for _ in 0..<30 { grades.append(("good", excellent)) }
        for _ in 0..<10 { grades.append(("new", excellent)) }  // too few nights for the red list
        for _ in 0..<29 { grades.append(("slipped", excellent)) }
        grades.append(("slipped", red))
        let lists = MonthlyLists.build(month: 30, grades: grades)
        #expect(lists.red.map(\.site) == ["good"])
        #expect(lists.black.map(\.site) == ["slipped"])
        #expect(lists.black.first?.reasons == ["red_cards", "risk_d"])
        #expect(lists.black.first?.worstRisk == .d)
    }
}
