/// `Cache-Control` values the API answers with. Anything behind a token or a session is
/// `private, no-store`: a shared proxy must not keep it and a browser must not show it from its
/// cache after logout (evidence pictures of a kitchen included). The public JSON answers of a
/// scanned code may be cached briefly, so a queue of phones scanning the same receipt does not
/// reach the gateway each time, while a recall still shows within a minute.
enum CachePolicy {
    static let authenticated = "private, no-store"
    static let publicLookup = "public, max-age=60"
}

/// `Content-Security-Policy` of documents the API serves outside the dashboard: they load
/// nothing, run nothing and may not be framed; only inline styles are allowed where they have one.
enum DocumentPolicy {
    /// The HACCP report page: the shared inline stylesheet, nothing else.
    static let report = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'"
    /// A receipt's QR code as SVG, which a browser opened directly would run scripts in.
    static let svg = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
}
