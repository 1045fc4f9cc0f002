import KitchenModel

/// The size check and JSON read every JSON channel starts with.
package enum PayloadJSON {
    package static func read(_ payload: UnsafeRawBufferPointer, limits: IngestLimits) throws(Rejection) -> FieldReader {
        // Checked before parsing so an oversized payload costs nothing.
        guard payload.count <= limits.maxJSONBytes else {
            throw Rejection(.payloadTooLarge, "JSON payload is \(payload.count) bytes; the limit is \(limits.maxJSONBytes)")
        }
        do {
            return FieldReader(object: try JSONObjectReader.read(payload))
        } catch {
            throw Rejection(.badJSON, error.description)
        }
    }
}
