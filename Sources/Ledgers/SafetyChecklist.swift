import KitchenModel

/// The 风险管控清单 the food-safety officer's daily check (日管控, SAMR 令60) walks, one template per
/// site kind. Item ids are stable: they are stored in every `daily-check` entry.
public struct SafetyChecklist: Sendable, Hashable, Encodable {
    public struct Item: Sendable, Hashable, Encodable {
        public var id: String
        public var zh: String
        public var en: String
    }

    /// `<site kind>-<version>`; a template's items never change under an id.
    public var id: String
    public var items: [Item]

    public func item(_ id: String) -> Item? { items.first { $0.id == id } }

    public static func `for`(_ kind: SiteKind) -> SafetyChecklist {
        switch kind {
        case .market:
            SafetyChecklist(id: "market-1", items: marketItems)
        case .canteen, .centralKitchen, .elderlyCare, .hospital:
            SafetyChecklist(id: "\(kind.rawValue)-1", items: kitchenItems + sampleItems)
        case .restaurant:
            SafetyChecklist(id: "restaurant-1", items: kitchenItems)
        }
    }

    private static func item(_ id: String, _ zh: String, _ en: String) -> Item { Item(id: id, zh: zh, en: en) }

    private static let kitchenItems = [
        item("staff-health", "从业人员晨检、健康证", "staff morning checks and health certificates"),
        item("purchase-inspection", "进货查验记录、票证", "purchase inspection records and vouchers"),
        item("storage", "食品贮存（分类、离地离墙、温度）", "food storage (separation, off floor and wall, temperature)"),
        item("expired-food", "无过期变质食品及原料", "no expired or spoiled food or ingredients"),
        item("raw-cooked-separation", "生熟分开、加工流程", "raw and cooked kept apart, processing flow"),
        item("cooking-temperature", "烹饪中心温度达标", "cooking core temperature reached"),
        item("disinfection", "餐饮具清洗消毒", "tableware washed and disinfected"),
        item("additives", "食品添加剂专柜专人管理", "additives locked away and logged"),
        item("pest-control", "防鼠防蝇防虫设施", "rodent, fly and insect control"),
        item("waste", "餐厨废弃物处置", "kitchen waste handled"),
    ]

    private static let sampleItems = [
        item("sample-retention", "食品留样（每餐每样 ≥ 125 g, 冷藏 ≥ 48 h）", "food samples (each dish ≥ 125 g, refrigerated ≥ 48 h)"),
    ]

    private static let marketItems = [
        item("stall-records", "入场销售者档案", "stall holders' files"),
        item("entry-inspection", "进货查验、承诺达标合格证", "goods checked on entry, compliance certificates"),
        item("rapid-tests", "快检计划与结果公示", "rapid tests run and published"),
        item("stall-display", "摊位信息公示（产地、生产者）", "stall signs (origin, producer)"),
        item("storage", "冷链与贮存温度", "cold chain and storage temperature"),
        item("expired-food", "无过期变质产品", "no expired or spoiled produce"),
        item("hygiene", "环境卫生、废弃物处置", "cleanliness and waste"),
    ]
}
