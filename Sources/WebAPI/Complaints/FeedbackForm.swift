import DeviceAdapters
import Foundation
import Hummingbird
import NIOCore

/// A rating or complaint form as a browser posts it without any script: URL-encoded, or
/// `multipart/form-data` when it carries photos. Field names are the forms' own; a field sent
/// twice is refused (a crafted post, never a browser's), an empty file input is no photo.
struct FeedbackForm {
    var fields: [String: String] = [:]
    var photos: [[UInt8]] = []

    static let fieldNames: Set<String> = ["kind", "text", "contact", "food", "hygiene", "ticket", "lang"]
    /// Most bytes one field may hold before its text is even looked at.
    static let maxFieldBytes = 16 * 1024

    static func read(_ request: Request, maxBytes: Int) async throws(FeedbackRefusal) -> FeedbackForm {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw FeedbackRefusal(reason: "body_too_large", status: .contentTooLarge,
                                  zh: "提交的内容过大：照片最多 3 张，每张不超过 \(FeedbackDesk.maxPhotoBytes >> 20) MB。",
                                  en: "The form is too large: at most 3 photos of \(FeedbackDesk.maxPhotoBytes >> 20) MB each.")
        } catch {
            throw .bad("bad_form", "表单未能读取，请重试。", "The form could not be read; try again.")
        }
        let bytes = Array(body.readableBytesView)
        let type = request.headers[.contentType] ?? ""
        if let boundary = MultipartBody.boundary(contentType: type) {
            return try multipart(bytes, boundary: boundary)
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw .bad("bad_form", "表单格式不正确。", "The form must be sent as a web form.")
        }
        return try urlEncoded(String(decoding: bytes, as: UTF8.self))
    }

    static func multipart(_ bytes: [UInt8], boundary: String) throws(FeedbackRefusal) -> FeedbackForm {
        let parts: [MultipartPart]
        do {
            parts = try MultipartBody.parse(bytes, boundary: boundary)
        } catch {
            throw .bad("bad_form", "表单未能读取：\(error.message)", "The form could not be read: \(error.message)")
        }
        var form = FeedbackForm()
        for part in parts {
            guard let name = part.name else { continue }
            if name == "photo" {
                // An empty file input still sends its part, with no bytes.
                if !part.body.isEmpty { form.photos.append(part.body) }
                continue
            }
            guard part.body.count <= maxFieldBytes else {
                throw .bad("text_too_long", "“\(name)”内容过长。", "Field '\(name)' is too long.")
            }
            try form.set(name, String(decoding: part.body, as: UTF8.self))
        }
        return form
    }

    static func urlEncoded(_ text: String) throws(FeedbackRefusal) -> FeedbackForm {
        var form = FeedbackForm()
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(kv[0]), let value = decode(kv.count > 1 ? kv[1] : "") else {
                throw .bad("bad_form", "表单编码不正确。", "The form is not encoded correctly.")
            }
            try form.set(name, value)
        }
        return form
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    private mutating func set(_ name: String, _ value: String) throws(FeedbackRefusal) {
        guard Self.fieldNames.contains(name) else { return }  // unknown fields are ignored, as a browser's extras
        guard fields[name] == nil else {
            throw .bad("bad_form", "表单字段“\(name)”重复。", "Field '\(name)' was sent twice.")
        }
        fields[name] = value
    }
}
