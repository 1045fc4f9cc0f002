import DeviceSimulator
import Foundation
import Gateway
import KitchenModel

/// The demo's 进货查验 records: one batch for each item the simulated scales sell, so their
/// weighings get tickets. The last one failed its rapid test, to show a refused sale.
enum DemoBatches {
    /// Where each kind of produce in the demo profiles comes from.
    static let origins: [String: (String, String, String)] = [
        "青菜": ("湖北省武汉市蔡甸区", "蔡甸绿源蔬菜基地", "420114"),
        "西红柿": ("湖北省武汉市黄陂区", "黄陂番茄合作社", "420116"),
        "土豆": ("湖北省恩施州", "恩施高山马铃薯基地", "422800"),
        "猪肉": ("湖北省孝感市", "孝感生猪定点屠宰场", "420900"),
        "排骨": ("湖北省孝感市", "孝感生猪定点屠宰场", "420900"),
        "鲫鱼": ("湖北省武汉市新洲区", "涨渡湖水产养殖场", "420117"),
        "基围虾": ("广东省湛江市", "湛江对虾养殖基地", "440800"),
    ]

    static func seed(_ sales: [SimulatedSale], into service: TraceabilityService, now: EpochMillis) throws -> Int {
        var created = 0
        let today = String(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now) / 1000)).prefix(10))
        for (index, sale) in sales.enumerated() {
            guard let id = BatchID(sale.batch), try service.store.batch(id) == nil else { continue }
            let (place, producer, region) = origins[sale.item] ?? ("湖北省武汉市", "本地供货", "420100")
            let failed = index == sales.count - 1
            let inspection = Inspection(method: .rapidTest, passed: !failed, items: ["有机磷和氨基甲酸酯类农药残留"],
                                        tester: "市场快检室", at: now)
            let batch = Batch(id: id, site: sale.site, stall: sale.stall, item: sale.item, category: "农产品",
                              quantity: 100, unit: "kg",
                              supplier: Supplier(name: producer, licence: "JY1420100\(String(format: "%07d", index + 1))"),
                              origin: Origin(place: place, producer: producer, regionCode: region), arrivalDate: today,
                              inspection: inspection, createdAt: now, updatedAt: now)
            try service.create(batch, actor: "demo")
            created += 1
        }
        return created
    }
}
