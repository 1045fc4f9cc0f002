import RegionNames
import Testing

@Suite struct RegionNamesTests {
    let names = RegionNames.shared

    @Test func shippedTableIsWholeAndClean() {
        // 31 provinces, 342 cities, 2,978 counties: data/README.md.
        #expect(names.count == 3_351)
        #expect(names.rejectedLines == 0)
    }

    @Test func namesByLevel() {
        #expect(names.name("42") == "湖北省")
        #expect(names.name("4201") == "武汉市")
        #expect(names.name("420106") == "武昌区")
        #expect(names.name("110108") == "海淀区")
        #expect(names.name("650000") == nil)
        #expect(names.name("4") == nil)
        #expect(names.name("0042") == nil)
    }

    @Test func labelsAndPaths() {
        #expect(names.label("42") == "湖北省")
        #expect(names.label("420106-03") == "武昌区 03")
        // A grouping is not a place: its label says whose, a full path leaves it out.
        #expect(names.label("1101") == "北京市 市辖区")
        #expect(names.path("110108") == "北京市 海淀区")
        #expect(names.path("429004") == "湖北省 仙桃市")
        #expect(names.path("420106-03") == "湖北省 武汉市 武昌区 03")
    }

    @Test func unknownCodesShowTheCode() {
        #expect(names.label("429999") == "429999")
        #expect(names.label("99") == "99")
        #expect(names.path("999999-01") == "999999-01")
        #expect(names.label("") == "")
        // A known province above an unknown county still names what it can.
        #expect(names.path("429999") == "湖北省")
    }

    @Test func badLinesAreCountedNotFatal() {
        let table = RegionNames(tsv: Array("42\t湖北省\nnot a line\n0042\tx\n4201\t\n\n4201\t武汉市\n".utf8))
        #expect(table.count == 2)
        #expect(table.rejectedLines == 3)
        #expect(table.path("420106") == "湖北省 武汉市")
    }
}
