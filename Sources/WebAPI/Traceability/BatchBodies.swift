import Foundation

/// The batch API's JSON bodies decoded exactly as the routes decode them (Hummingbird's default
/// request decoder, a plain `JSONDecoder`), for the fuzz harness and its replay tests
/// (Fuzz/README.md). Validation stays with the routes.
public enum BatchBodies {
    public enum Kind: String, CaseIterable, Sendable {
        /// `POST /api/v1/sites/{id}/batches`
        case batch
        /// `POST /api/v1/batches/{id}/inspections`
        case inspection
        /// `POST /api/v1/batches/{id}/recall`
        case recall
    }

    /// What the decoder made of `body`: the decoded value or the error, as text to compare.
    public static func decode(_ kind: Kind, _ body: [UInt8]) -> String {
        let data = Data(body)
        do {
            switch kind {
            case .batch: return "\(try JSONDecoder().decode(BatchInput.self, from: data))"
            case .inspection: return "\(try JSONDecoder().decode(InspectionInput.self, from: data))"
            case .recall: return "\(try JSONDecoder().decode(BatchRoutes.RecallBody.self, from: data))"
            }
        } catch {
            return "refused: \(error)"
        }
    }
}
