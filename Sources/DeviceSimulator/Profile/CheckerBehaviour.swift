/// A 晨检仪 at the staff entrance: the workers it checks each morning, with what it will measure.
/// The workers also go into the generated registry as the site's staff, so the gateway knows them.
public struct CheckerBehaviour: Sendable, Hashable {
    public struct Worker: Sendable, Hashable {
        public var id: String
        public var name: String
        public var role: String
        public var certificateNumber: String
        public var certificateExpiry: String
        /// Forehead temperature the terminal measures (a little noise is added).
        public var temperatureC: Double
        public var symptoms: [String]

        public init(id: String, name: String, role: String, certificateNumber: String, certificateExpiry: String,
                    temperatureC: Double, symptoms: [String] = []) {
            self.id = id
            self.name = name
            self.role = role
            self.certificateNumber = certificateNumber
            self.certificateExpiry = certificateExpiry
            self.temperatureC = temperatureC
            self.symptoms = symptoms
        }
    }

    public var workers: [Worker]

    public init(workers: [Worker]) { self.workers = workers }
}
