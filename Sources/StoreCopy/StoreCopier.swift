import Foundation

/// `brightkitchen store copy`: every table of a SQLite store into a PostgreSQL one, table by table
/// in `CopyTable.all`'s order, `chunkSize` rows per transaction, each table verified (row count and
/// `TableDigest` of rows read back from both databases) before the next one starts.
///
/// Resumable: each chunk's transaction also records the last key it copied in `bk_store_copy`, so
/// after an interruption (Ctrl-C, kill, lost connection) the same command continues after the last
/// committed chunk and never writes a row twice.
public struct StoreCopier {
    public struct Options: Sendable {
        public var sourcePath: String
        public var targetURL: String
        public var passwordFile: String?
        public var environment: [String: String]
        public var chunkSize: Int
        /// Copy into tables that already hold rows (their rows stay; a key already there stops the copy).
        public var intoNonEmpty: Bool

        public init(sourcePath: String, targetURL: String, passwordFile: String? = nil,
                    environment: [String: String] = ProcessInfo.processInfo.environment, chunkSize: Int = 5_000,
                    intoNonEmpty: Bool = false) {
            self.sourcePath = sourcePath
            self.targetURL = targetURL
            self.passwordFile = passwordFile
            self.environment = environment
            self.chunkSize = chunkSize
            self.intoNonEmpty = intoNonEmpty
        }
    }

    /// One table's outcome, for the final table.
    public struct TableResult: Sendable {
        public let table: String
        public let rows: Int64
        public let checksum: String
        /// Rows written by this run (the rest by an earlier, interrupted one, or already there).
        public let copiedNow: Int64
    }

    public struct Report: Sendable {
        public let tables: [TableResult]
        public let resumed: Bool
        public let seconds: Double
        public let rowsCopied: Int64
        public let partitionsCreated: Int
        public let ticketRows: Int64
        public let ticketKeyRows: Int64
    }

    public let options: Options
    /// Progress lines (stderr in the CLI).
    let progress: @Sendable (String) -> Void
    /// Called after each committed chunk with the table and its rows so far; throwing stops the copy
    /// there (the tests' interruption, and the CLI's Ctrl-C).
    let afterChunk: (String, Int64) throws -> Void

    public init(options: Options, progress: @escaping @Sendable (String) -> Void = { _ in },
                afterChunk: @escaping (String, Int64) throws -> Void = { _, _ in }) {
        self.options = options
        self.progress = progress
        self.afterChunk = afterChunk
    }

    public func run() throws -> Report {
        guard options.chunkSize > 0 else { throw StoreCopyError(.source, "--chunk-size must be at least 1") }
        let started = Date()
        let source = try SQLiteSource(path: options.sourcePath)
        let identity = try source.identity()
        let sourcePath = URL(fileURLWithPath: options.sourcePath).standardizedFileURL.path
        let target = try PostgresTarget(url: options.targetURL, passwordFile: options.passwordFile,
                                        environment: options.environment)
        defer { target.close() }

        var states = try target.states()
        let resumed = try checkTarget(target, states: states, identity: identity, sourcePath: sourcePath)
        if resumed {
            let done = states.values.filter(\.finished).count
            progress("resuming the copy of \(sourcePath) begun earlier: \(done) of \(CopyTable.all.count) tables done")
        }

        var partitions = 0
        var results: [TableResult] = []
        var copiedTotal: Int64 = 0
        for table in CopyTable.all {
            if states[table.name] == nil {
                let base = try target.digest(table, chunk: options.chunkSize)
                let state = PostgresTarget.State(source: identity, sourcePath: sourcePath, lastKey: nil, rows: 0,
                                                 finished: false, base: base)
                try target.begin(table, state: state)
                states[table.name] = state
            }
            guard let state = states[table.name] else { continue }
            if table.name == "reading", !state.finished {
                partitions = try target.createReadingPartitions(days: try source.readingDays())
                if partitions > 0 { progress("reading: created \(partitions) day partition(s)") }
            }
            let copiedNow = state.finished ? 0 : try copy(table, from: source, to: target, state: state)
            copiedTotal += copiedNow
            let result = try verify(table, source: source, target: target, base: state.base, copiedNow: copiedNow)
            try target.advanceSequence(table, atLeast: try source.autoincrementSequence(table))
            if !state.finished { try target.finish(table) }
            results.append(result)
        }
        let count = { (name: String) in results.first { $0.table == name }?.rows ?? 0 }
        return Report(tables: results, resumed: resumed, seconds: Date().timeIntervalSince(started),
                      rowsCopied: copiedTotal, partitionsCreated: partitions, ticketRows: count("ticket"),
                      ticketKeyRows: count("ticket_key"))
    }

    /// Whether this continues an earlier copy of the same store; refuses a target that holds rows
    /// (unless `intoNonEmpty`) or a copy of another store.
    private func checkTarget(_ target: PostgresTarget, states: [String: PostgresTarget.State], identity: String,
                             sourcePath: String) throws -> Bool {
        if let other = states.values.first(where: { $0.source != identity }) {
            throw StoreCopyError(.notEmpty, """
                the PostgreSQL database \(target.url) already holds a copy of another SQLite store \
                (\(other.sourcePath), identity \(other.source); this one is \(identity)). Two stores cannot be \
                merged into one database (their device ids would collide): copy into a new, empty database \
                (createdb), or drop this one if that copy is not wanted. (If it is this store and its first \
                devices or tickets changed since that copy began, drop and re-create the database and copy again.)
                """)
        }
        if !states.isEmpty { return true }
        let occupied = try target.nonEmptyTables()
        guard occupied.isEmpty || options.intoNonEmpty else {
            let list = occupied.map { "\($0.0) (\($0.1) row\($0.1 == 1 ? "" : "s"))" }.joined(separator: ", ")
            throw StoreCopyError(.notEmpty, """
                the PostgreSQL database \(target.url) is not empty: \(list). store copy fills a new database \
                (create one with `createdb -O OWNER DBNAME`, as docs/operations.md shows), so that nothing there \
                is mixed up with the copy. To add the SQLite store's rows to these anyway, pass --into-non-empty \
                (their rows stay; a row whose key is already there stops the copy with an error).
                """)
        }
        return false
    }

    /// Copies the rows after the recorded resume point; returns how many this run wrote.
    private func copy(_ table: CopyTable, from source: SQLiteSource, to target: PostgresTarget,
                      state: PostgresTarget.State) throws -> Int64 {
        let total = try source.rowCount(table)
        var after = state.lastKey.map { $0.map(\.value) }
        var done = state.rows
        var copiedNow: Int64 = 0
        let started = Date()
        var lastReport = Date.distantPast
        while true {
            let rows = try source.rows(table, after: after, limit: options.chunkSize)
            guard let last = rows.last else { break }
            let key = table.keyColumns.map { last[$0] }
            try target.insert(table, rows, lastKey: key.compactMap(\.keyPart), copied: done + Int64(rows.count))
            done += Int64(rows.count)
            copiedNow += Int64(rows.count)
            after = key
            if Date().timeIntervalSince(lastReport) >= 1 || rows.count < options.chunkSize {
                lastReport = Date()
                progress(Self.progressLine(table.name, done: done, total: total, copied: copiedNow,
                                           seconds: Date().timeIntervalSince(started)))
            }
            try afterChunk(table.name, done)
            if rows.count < options.chunkSize { break }
        }
        return copiedNow
    }

    /// Row count and digest from both databases; a difference is an error naming the table.
    private func verify(_ table: CopyTable, source: SQLiteSource, target: PostgresTarget, base: TableDigest,
                        copiedNow: Int64) throws -> TableResult {
        var sourceDigest = TableDigest()
        var after: [CopyValue]?
        while true {
            let rows = try source.rows(table, after: after, limit: options.chunkSize)
            for row in rows { sourceDigest.add(row) }
            guard let last = rows.last, rows.count == options.chunkSize else { break }
            after = table.keyColumns.map { last[$0] }
        }
        let copied = try target.digest(table, chunk: options.chunkSize).minus(base)
        guard copied == sourceDigest else {
            let extra = base.rows > 0 ? " (not counting the \(base.rows) row(s) the table held before the copy)" : ""
            throw StoreCopyError(.verification, """
                \(table.name): the copy does not match the SQLite store: SQLite has \(sourceDigest.rows) row(s), \
                checksum \(sourceDigest.hex); PostgreSQL has \(copied.rows) row(s)\(extra), checksum \(copied.hex). \
                Was the gateway still writing the SQLite store? Stop it, drop and re-create the PostgreSQL database, \
                and copy again.
                """)
        }
        return TableResult(table: table.name, rows: sourceDigest.rows, checksum: sourceDigest.hex, copiedNow: copiedNow)
    }

    static func progressLine(_ table: String, done: Int64, total: Int64, copied: Int64, seconds: Double) -> String {
        let percent = total > 0 ? Double(done) / Double(total) * 100 : 100
        let rate = seconds > 0 ? Double(copied) / seconds : 0
        return "\(table): \(done) / \(total) rows (\(String(format: "%.1f", percent))%), "
            + "\(String(format: "%.0f", rate)) rows/s"
    }

    /// The final table: one line per table, rows and checksum.
    public static func summary(_ report: Report) -> String {
        let width = max(5, report.tables.map(\.table.count).max() ?? 5)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        var lines = [pad("table", width) + "  " + pad("rows", 10) + "  checksum"]
        for table in report.tables {
            lines.append(pad(table.table, width) + "  " + pad(String(table.rows), 10) + "  \(table.checksum) ok")
        }
        let rate = report.seconds > 0 ? Double(report.rowsCopied) / report.seconds : 0
        lines.append("\(report.rowsCopied) row(s) copied in \(String(format: "%.1f", report.seconds)) s "
            + "(\(String(format: "%.0f", rate)) rows/s)\(report.resumed ? ", resuming an earlier copy" : "")")
        return lines.joined(separator: "\n")
    }
}

extension StoreCopier {
    /// How many tickets the SQLite store at `sourcePath` holds (and a clear error for a file that is
    /// not a BrightKitchen store), to check for their keyring before copying.
    public static func ticketCount(sourcePath: String) throws -> Int64 {
        try SQLiteSource(path: sourcePath).rowCount(CopyTable.named("ticket")!)
    }
}
