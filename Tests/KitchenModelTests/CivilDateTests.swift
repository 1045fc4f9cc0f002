import KitchenModel
import Testing

@Suite struct CivilDateTests {
    @Test func dayNumbersAndDatesRoundTripAcrossEras() {
        #expect(CivilDate(dayNumber: 0).description == "1970-01-01")
        #expect(CivilDate(dayNumber: -1).description == "1969-12-31")
        #expect(CivilDate(dayNumber: 11_016).description == "2000-02-29")
        #expect(CivilDate(year: 2026, month: 12, day: 5)?.dayNumber == 20_792)
        // Every day from 1600 to 2400 (leap centuries and their neighbours), forward and back.
        var previous: CivilDate?
        for number in Int64(-135_140)...Int64(157_000) {
            let date = CivilDate(dayNumber: number)
            #expect(date.dayNumber == number)
            if let previous { #expect(previous < date) }
            previous = date
        }
    }

    @Test func impossibleDatesAreNil() {
        #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2026, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 0, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 1, day: 0) == nil)
        #expect(CivilDate(year: 987, month: 6, day: 5)?.description == "0987-06-05")
    }
}
