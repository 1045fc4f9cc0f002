/// A traceability scale at a market stall: what it sells and how busy it is.
public struct ScaleBehaviour: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var plu: String
        /// For people reading the profile; the scale sends only the PLU.
        public var name: String
        public var unitPriceFen: Int
        public var grams: ClosedRange<Int>
        public var batch: String

        public init(plu: String, name: String, unitPriceFen: Int, grams: ClosedRange<Int>, batch: String) {
            self.plu = plu
            self.name = name
            self.unitPriceFen = unitPriceFen
            self.grams = grams
            self.batch = batch
        }
    }

    /// Stall number printed on the receipt, e.g. `A12`.
    public var stall: String
    /// Who trades at the stall; goes into the generated registry.
    public var vendor: String
    /// Mean weighings per simulated hour while the market is open.
    public var weighsPerHour: Double
    /// When the scale was last calibrated, in days before the simulation started.
    public var calibratedDaysAgo: Double
    public var items: [Item]

    public init(stall: String, vendor: String? = nil, weighsPerHour: Double = 40, calibratedDaysAgo: Double = 30,
                items: [Item]) {
        self.stall = stall
        self.vendor = vendor ?? "\(stall)号摊位"
        self.weighsPerHour = weighsPerHour
        self.calibratedDaysAgo = calibratedDaysAgo
        self.items = items
    }
}
