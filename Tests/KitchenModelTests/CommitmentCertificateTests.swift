import KitchenModel
import Testing

@Suite struct CommitmentCertificateTests {
    static let qr = """
        承诺达标合格证
        编号：HB420106-0001
        食用农产品名称：青菜
        数量（重量）：50kg
        产地：湖北省武汉市蔡甸区
        生产者盖章或签名：蔡甸绿源合作社
        联系方式：027-8888 0000
        开具日期：2026-11-22
        """

    let batch = Batch(id: BatchID("b-1")!, site: SiteID("market-01")!, item: "青菜", category: "蔬菜", quantity: 50, unit: "kg",
                      supplier: Supplier(name: "绿源", licence: "L-1"), origin: Origin(place: "蔡甸"), arrivalDate: "2026-11-22",
                      createdAt: 0, updatedAt: 0)

    @Test func readsTheFieldsOfAProvincialTemplate() throws {
        let c = try CommitmentCertificate.parse(qrText: Self.qr)
        #expect(c.product == "青菜")
        #expect(c.quantity == 50 && c.unit == "kg")
        #expect(c.origin == "湖北省武汉市蔡甸区")
        #expect(c.issuer == "蔡甸绿源合作社")
        #expect(c.contact == "027-8888 0000")
        #expect(c.issuedOn == "2026-11-22")
        #expect(c.number == "HB420106-0001")
        #expect(c.qrText == Self.qr)
        try c.check(against: batch)
    }

    @Test func refusesWhatIsNoCertificateOrLacksAField() {
        #expect(throws: CertificateProblem.notACertificate) { try CommitmentCertificate.parse(qrText: "青菜 50kg") }
        #expect(throws: CertificateProblem.missingField("contact")) {
            try CommitmentCertificate.parse(qrText: Self.qr.replacingOccurrences(of: "联系方式：027-8888 0000", with: ""))
        }
        #expect(throws: CertificateProblem.badQuantity("很多")) {
            try CommitmentCertificate.parse(qrText: Self.qr.replacingOccurrences(of: "50kg", with: "很多"))
        }
        #expect(throws: CertificateProblem.badDate("2026-02-30")) {
            try CommitmentCertificate.parse(qrText: Self.qr.replacingOccurrences(of: "2026-11-22", with: "2026-02-30"))
        }
    }

    @Test func refusesACertificateForAnotherProductOrQuantity() throws {
        var other = try CommitmentCertificate.parse(qrText: Self.qr)
        other.product = "白菜"
        #expect(throws: CertificateProblem.otherProduct(certificate: "白菜", batch: "青菜")) { try other.check(against: batch) }
        var more = try CommitmentCertificate.parse(qrText: Self.qr)
        more.quantity = 60
        #expect(throws: CertificateProblem.otherQuantity(certificate: "60 kg", batch: "50 kg")) { try more.check(against: batch) }
        // The same weight in 斤 is the same lot.
        var jin = try CommitmentCertificate.parse(qrText: Self.qr)
        (jin.quantity, jin.unit) = (100, "斤")
        try jin.check(against: batch)
    }
}
