import Foundation
import KitchenModel
import Ledgers
import StorageModel
import Traceability

/// 今日台账: one site's ledgers for one day, to print or download (docs/ledgers.md "Daily sheet"):
/// the 晨检 of every active worker (or that it is missing), the certificates needing attention,
/// and the day's signed chain head, also as a QR code an auditor can check against an export.
public struct DailyLedgerSheet: Sendable {
    public struct Line: Sendable {
        public var worker: Worker
        /// The day's last check of the worker (a correction in place of what it corrects), if any.
        public var check: MorningCheckRecord?
        public var checks: Int
        public var certificate: CertificateStatus
    }

    public let site: SiteConfig
    public let day: CivilDay
    public let lines: [Line]
    public let head: LedgerDayHead?
    /// 留样: the day's planned dishes and samples (nil when the site has no meal plan).
    public var samples: SampleDay? = nil
    /// 陪餐, 进货查验, 令60's records and what is due (DailyLedgerSheet+Records.swift).
    public var records = DayRecords.empty

    public var checked: Int { lines.filter { $0.check != nil }.count }
    public var missing: [Worker] { lines.filter { $0.check == nil }.map(\.worker) }
    public var excluded: [Worker] { lines.filter { $0.check?.excluded == true }.map(\.worker) }

    public static func build(site: SiteConfig, day: CivilDay, book: LedgerBook) throws -> DailyLedgerSheet {
        let roster = try StaffDesk(book: book).roster(site.id)
        let checks = try MorningCheckDesk(book: book).checks(site.id, on: day)
        let lines = roster.sorted.filter(\.active).map { worker in
            let own = checks.filter { $0.check.worker == worker.id }
            return Line(worker: worker, check: own.last, checks: own.count, certificate: worker.certificate(on: day))
        }
        let head = try book.store.ledgerHeads(site: site.id).first { $0.day == day.description }
        var sheet = DailyLedgerSheet(site: site, day: day, lines: lines, head: head,
                                     samples: try sampleDay(site: site.id, day: day, book: book))
        sheet.records = try DayRecords.build(site: site, day: day, store: book.store, now: book.now)
        return sheet
    }

    /// The text of the head's QR code: `bk-ledger-head:<site>:<day>:<seq>:<hash>:<key>:<sig>`.
    public var headText: String? {
        head.map { "bk-ledger-head:\($0.site):\($0.day):\($0.seq):\($0.hash):\($0.keyID):\($0.signature)" }
    }

    public func csv(calendar: ReportCalendar = .china) -> String {
        let rows = lines.map { line -> [String] in
            let c = line.check
            return [site.id.rawValue, day.description, line.worker.id, line.worker.name, line.worker.role,
                    line.worker.certificateNumber, line.worker.certificateExpiry, line.certificate.word,
                    c.map { calendar.timestamp($0.check.at) } ?? "", c.map { CSV.number($0.check.temperatureC) } ?? "",
                    c.map { $0.check.uniformOK ? "ok" : "fault" } ?? "", c.map { $0.check.hygieneOK ? "ok" : "fault" } ?? "",
                    c.map { $0.check.symptoms.joined(separator: ";") } ?? "", c?.check.checker ?? "",
                    c == nil ? "missing" : (c!.excluded ? "excluded" : "fit"), c?.reasons.joined(separator: ";") ?? "",
                    c?.recheckAfterExclusion == true ? "yes" : "", c?.check.remark ?? ""]
        }
        let headRow = [site.id.rawValue, day.description, "chain-head", head.map { "#\($0.seq)" } ?? "", head?.hash ?? "",
                       head.map { "key \($0.keyID)" } ?? "", head?.signature ?? ""] + Array(repeating: "", count: 11)
        return CSV.document(header: ["site", "date", "worker", "name", "role", "cert_no", "cert_expiry", "certificate",
                                     "checked_at", "temperature_c", "uniform", "hygiene", "symptoms", "checker", "result",
                                     "reasons", "recheck_after_exclusion", "remark"],
                            rows: rows + recordRows(calendar: calendar) + [headRow] + sampleRows(calendar: calendar))
    }

    /// A printable page (A4, black on white) to sign and file.
    public func html(calendar: ReportCalendar = .china) -> String {
        let e = ReportPage.escape
        let rows = lines.map { line -> String in
            let c = line.check
            let result = c == nil ? "<b>未晨检</b>" : (c!.excluded ? "<b>不得上岗</b>" : "合格")
            let certificate = switch line.certificate {
            case .valid: "有效"
            case .expiring(let days): "\(days) 天后到期"
            case .expired: "<b>已过期</b>"
            }
            return "<tr><td>\(e(line.worker.name))</td><td>\(e(line.worker.role))</td><td>\(e(line.worker.certificateNumber))</td>"
                + "<td>\(certificate)</td><td>\(c.map { calendar.timestamp($0.check.at) } ?? "")</td>"
                + "<td>\(c.map { CSV.number($0.check.temperatureC) } ?? "")</td>"
                + "<td>\(c.map { $0.check.uniformOK ? "✓" : "✗" } ?? "")</td><td>\(c.map { $0.check.hygieneOK ? "✓" : "✗" } ?? "")</td>"
                + "<td>\(e(c?.reasons.joined(separator: "、") ?? ""))\(c?.recheckAfterExclusion == true ? "（排除后再次晨检）" : "")</td>"
                + "<td>\(result)</td><td>\(e(c?.check.checker ?? ""))</td></tr>"
        }.joined()
        var headBlock = "<p>当日尚无台账记录，无签名链头。</p>"
        if let head, let text = headText {
            let qr = (try? QRMatrix(encoding: text, errorCorrection: .low)).map { QRSVGRenderer(pixelSize: 160).render($0, title: "链头") } ?? ""
            headBlock = "<div class=\"qr\">\(qr)</div><p>签名链头：第 \(head.seq) 条 · 哈希 <code>\(e(head.hash))</code> · "
                + "密钥 \(e(head.keyID)) · 签名 <code>\(e(head.signature))</code></p>"
                + "<p>核验：<code>brightkitchen ledger verify --file 导出文件</code>（docs/ledgers.md）</p>"
        }
        let body = """
            <h1>晨检记录 · \(e(site.name))</h1>
            <p>场所 \(e(site.id.rawValue)) · 区划 \(e(site.region.description)) · 日期 \(e(day.description)) · \
            已晨检 \(checked) / \(lines.count) 人 · 未晨检 \(missing.count) 人 · 不得上岗 \(excluded.count) 人</p>
            <table><thead><tr><th>姓名</th><th>岗位</th><th>健康证号</th><th>健康证</th><th>晨检时间</th><th>体温 °C</th>\
            <th>工作衣帽</th><th>个人卫生</th><th>异常</th><th>结果</th><th>晨检人</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=11>无在岗人员记录</td></tr>" : rows)</tbody></table>
            \(recordsHTML(calendar: calendar))
            \(samplesHTML(calendar: calendar))
            \(headBlock)
            <p class="sign">食品安全管理员：＿＿＿＿＿＿　　负责人：＿＿＿＿＿＿</p>
            """
        return ReportPage.html(title: "晨检 \(site.id.rawValue) \(day.description)", body: body)
    }
}
