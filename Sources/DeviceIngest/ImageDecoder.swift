import KitchenModel

/// `snapshot/<id>` and `frame`: raw JPEG bytes. Only the size and the SOI marker are checked
/// here; decoding the image is Vision's job, off the network thread.
package enum ImageDecoder {
    package static func jpeg(_ payload: UnsafeRawBufferPointer, limits: IngestLimits) throws(Rejection) -> [UInt8] {
        guard payload.count <= limits.maxImageBytes else {
            throw Rejection(.payloadTooLarge, "image is \(payload.count) bytes; the limit is \(limits.maxImageBytes)")
        }
        guard payload.count >= 2, payload[0] == 0xFF, payload[1] == 0xD8 else {
            throw Rejection(.notJPEG, payload.isEmpty ? "image payload is empty"
                : "image must be a JPEG starting with the SOI marker FF D8")
        }
        return Array(payload)
    }
}
