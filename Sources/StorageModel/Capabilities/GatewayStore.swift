/// Everything the gateway keeps, as one value: what a backend (SQLite today, PostgreSQL next)
/// implements. Code that needs one concern takes the narrow protocol instead.
public typealias GatewayStore = IngestStore & ReadingQueries & AlarmStore & OutboxStore & LedgerStore
    & EvidenceStore & TraceabilityStore & TicketKeyStore & TokenStore & DashboardSessionStore & ReportQueries
    & RetentionStore & MetaStore & UnmappedSourceStore & StoreMaintenance & LedgerEntryStore & FeedbackStore
    & GradeStore & MarketRecordStore
