import RegionNames

/// How pages show a region: its GB/T 2260 name with the code after it (`武昌区 420106`), or
/// only the code when the table does not know it.
enum RegionLabel {
    /// One node's own name (`武昌区`), HTML-escaped, the code muted after it.
    static func html(_ code: String) -> String {
        combine(RegionNames.shared.label(code), code)
    }

    /// The whole path (`湖北省 武汉市 武昌区`), HTML-escaped, the code muted after it.
    static func pathHTML(_ code: String) -> String {
        combine(RegionNames.shared.path(code), code)
    }

    /// Plain text for titles: `武昌区 (420106)`, or the code.
    static func text(_ code: String) -> String {
        let name = RegionNames.shared.label(code)
        return name == code ? code : "\(name) (\(code))"
    }

    private static func combine(_ name: String, _ code: String) -> String {
        name == code ? HTML.escape(code) : "\(HTML.escape(name)) <span class=\"muted\">\(HTML.escape(code))</span>"
    }
}
