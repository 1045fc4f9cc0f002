import WebAPI

/// The JSON bodies of the batch API (`POST /api/v1/sites/{id}/batches`, `.../inspections`,
/// `.../recall`) through the decoding the routes use (`BatchBodies.decode`). The first byte picks
/// the body, the rest is the JSON. Invariant beyond "no crash": decoding is a function of the
/// bytes (the same input decodes the same way twice).
public enum BatchBodyTarget {
    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        guard let selector = input.first else { return }
        let kind = BatchBodies.Kind.allCases[Int(selector) % BatchBodies.Kind.allCases.count]
        let body = Array(input.dropFirst())
        let first = BatchBodies.decode(kind, body)
        try require(BatchBodies.decode(kind, body) == first, "\(kind) body decoded two ways")
    }
}
