import StorageModel
import Testing

/// `--database` / `BK_DATABASE`: a path or `sqlite:` keeps SQLite, a postgres URL selects PostgreSQL,
/// anything else is refused with what to write instead.
@Suite struct StoreLocationTests {
    @Test(arguments: [
        ("./data/brightkitchen.sqlite", StoreLocation.sqlite(path: "./data/brightkitchen.sqlite")),
        ("/var/lib/bk/bk.sqlite", .sqlite(path: "/var/lib/bk/bk.sqlite")),
        ("sqlite:/var/lib/bk/bk.sqlite", .sqlite(path: "/var/lib/bk/bk.sqlite")),
        ("sqlite:///var/lib/bk/bk.sqlite", .sqlite(path: "/var/lib/bk/bk.sqlite")),
        ("data/a:b.sqlite", .sqlite(path: "data/a:b.sqlite")),
        ("postgres://bk@127.0.0.1:5432/bk", .postgres(url: "postgres://bk@127.0.0.1:5432/bk")),
        ("PostgreSQL://bk@db1,db2/bk", .postgres(url: "PostgreSQL://bk@db1,db2/bk")),
    ])
    func parses(_ text: String, _ expected: StoreLocation) throws {
        #expect(try StoreLocation(text) == expected)
    }

    @Test(arguments: [("", "empty"), ("sqlite:", "names no SQLite file"), ("mysql://h/db", "unknown database scheme 'mysql://'")])
    func refuses(_ text: String, _ message: String) {
        #expect {
            try StoreLocation(text)
        } throws: { "\($0)".contains(message) }
    }

    @Test func aPasswordNeverReachesTheLogs() throws {
        #expect(try StoreLocation("postgres://bk:s3cret@db:5432/bk").description == "postgres://bk:***@db:5432/bk")
        #expect(try StoreLocation("postgres://bk@db/bk").description == "postgres://bk@db/bk")
        #expect(try StoreLocation("postgres://db/bk?application_name=a@b").description == "postgres://db/bk?application_name=a@b")
    }
}
