import Testing
@testable import Traceability

@Suite("Trace numbers")
struct TraceNumberTests {
    @Test("the Damm table is a totally anti-symmetric quasigroup with a zero diagonal")
    func dammTableProperties() {
        let table = DammCheckDigit.table
        for index in 0..<10 {
            #expect(Set(table[index]) == Set(0..<10))            // each row a permutation
            #expect(Set(table.map { $0[index] }) == Set(0..<10)) // each column a permutation
            #expect(table[index][index] == 0)
        }
        for c in 0..<10 {
            for x in 0..<10 {
                for y in 0..<10 where x != y {
                    #expect(table[Int(table[c][x])][y] != table[Int(table[c][y])][x])
                }
            }
        }
    }

    @Test("the published Damm example: 572 has check digit 4")
    func dammExample() {
        #expect(DammCheckDigit.interim([5, 7, 2]) == 4)
        #expect(DammCheckDigit.interim([5, 7, 2, 4]) == 0)
    }

    @Test("20 digits: the zero-padded id and a check digit; parsing gives the id back")
    func roundTrip() throws {
        let known = TraceNumber(ticketID: TicketID(rawValue: 0x0123456789ABCDE)!)
        #expect(known.digits.hasPrefix("0005124095576030430"))
        #expect(known.digits.count == 20)
        for raw in [0, 1, TicketID.maxRawValue] + (0..<200).map({ _ in TicketID.random().rawValue }) {
            let id = TicketID(rawValue: raw)!
            let number = TraceNumber(ticketID: id)
            #expect(number.digits.count == 20 && number.digits.allSatisfy(\.isNumber))
            #expect(try TraceNumber(parsing: number.digits).ticketID == id)
            #expect(try TraceNumber(parsing: number.grouped).ticketID == id)
        }
        #expect(known.grouped.split(separator: " ").map(\.count) == [4, 4, 4, 4, 4])
    }

    @Test("every single mistyped digit and every adjacent swap is rejected")
    func typosAreCaught() {
        for _ in 0..<50 {
            let digits = Array(TraceNumber(ticketID: .random()).digits)
            for position in digits.indices {
                for replacement in "0123456789" where replacement != digits[position] {
                    var typo = digits
                    typo[position] = replacement
                    #expect(throws: TraceNumberError.checkDigitMismatch) { try TraceNumber(parsing: String(typo)) }
                }
                if position + 1 < digits.count, digits[position] != digits[position + 1] {
                    var swapped = digits
                    swapped.swapAt(position, position + 1)
                    #expect(throws: TraceNumberError.checkDigitMismatch) { try TraceNumber(parsing: String(swapped)) }
                }
            }
        }
    }

    @Test("malformed trace numbers", arguments: [
        ("1234", TraceNumberError.wrongDigitCount(4)),
        (String(repeating: "1", count: 25), .wrongDigitCount(21)),
        ("0005124095576030430x", .invalidCharacter("x", offset: 19)),
        ("０００５１２４０９５５７６０３０４３０１", .invalidCharacter("０", offset: 0)),
    ])
    func malformed(text: String, expected: TraceNumberError) {
        let error = #expect(throws: TraceNumberError.self) { try TraceNumber(parsing: text) }
        #expect(error == expected)
    }

    @Test("a valid check digit on a number above 2^60 is out of range")
    func outOfRange() {
        let body = Array("9999999999999999999".utf8).map { $0 - 48 }
        let text = String(decoding: (body + [DammCheckDigit.interim(body)]).map { $0 + 48 }, as: UTF8.self)
        #expect(throws: TraceNumberError.outOfRange) { try TraceNumber(parsing: text) }
    }
}
