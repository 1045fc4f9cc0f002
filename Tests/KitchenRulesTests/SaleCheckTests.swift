import KitchenModel
import KitchenRules
import Testing

@Suite struct SaleCheckTests {
    static let market = SiteConfig(id: SiteID("m")!, name: "市场", kind: .market, region: RegionCode("420111")!,
                                   stalls: [Stall(id: "A12", vendor: "王"), Stall(id: "B03", vendor: "李")])
    static let inspected = Inspection(method: .rapidTest, passed: true, items: ["农残"], tester: "张", at: 1)

    static func batch(site: String = "m", stall: String? = nil, inspection: Inspection? = inspected,
                      recalled: Bool = false) -> Batch {
        Batch(id: BatchID("b1")!, site: SiteID(site)!, stall: stall, item: "青菜", category: "蔬菜", quantity: 10,
              unit: "kg", supplier: Supplier(name: "s", licence: "l"), origin: Origin(place: "p"), arrivalDate: "2026-11-22",
              inspection: inspection, recall: recalled ? Recall(reason: "r", by: "x", at: 2) : nil, createdAt: 1, updatedAt: 2)
    }

    static func weigh(stall: String = "A12") -> WeighRequest {
        WeighRequest(req: "r", stall: stall, batch: "b1", plu: "1", grams: 1250, unitPriceFen: 680)
    }

    @Test func aCleanSaleHasNoRefusal() {
        #expect(SaleCheck.check(Self.weigh(), site: Self.market, stalls: Self.market.stalls, scaleStall: "A12",
                                batch: Self.batch()) == nil)
        #expect(SaleCheck.check(Self.weigh(), site: Self.market, stalls: [], scaleStall: nil, batch: Self.batch()) == nil,
                "a market without a stall list does not check stalls")
    }

    @Test(arguments: [
        (weigh(), nil as String?, batch(site: "other") as Batch?, SaleRefusal.unknownBatch),
        (weigh(), nil, nil, .unknownBatch),
        (weigh(stall: "Z9"), nil, batch(), .unknownStall),
        (weigh(), "B03", batch(), .wrongStall),
        (weigh(), nil, batch(stall: "B03"), .batchOfOtherStall),
        (weigh(), nil, batch(inspection: nil), .batchNotInspected),
        (weigh(), nil, batch(inspection: Inspection(method: .voucher, passed: false, voucherNumber: "V1", at: 1)),
         .batchFailedInspection),
        (weigh(), nil, batch(recalled: true), .batchRecalled),
    ])
    func refusesWithTheRightReason(request: WeighRequest, scaleStall: String?, batch: Batch?, expected: SaleRefusal) {
        #expect(SaleCheck.check(request, site: Self.market, stalls: Self.market.stalls, scaleStall: scaleStall,
                                batch: batch) == expected)
    }

    @Test func onlyMarketsSell() {
        let canteen = SiteConfig(id: SiteID("m")!, name: "食堂", kind: .canteen, region: RegionCode("420106")!)
        #expect(SaleCheck.check(Self.weigh(), site: canteen, stalls: [], scaleStall: nil, batch: Self.batch()) == .notAMarket)
    }

    @Test func everyRefusalHasAStableCodeAndChineseText() {
        for refusal in SaleRefusal.allCases {
            #expect(refusal.rawValue.allSatisfy { $0.isLowercase || $0 == "_" })
            #expect(refusal.message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
        }
    }
}
