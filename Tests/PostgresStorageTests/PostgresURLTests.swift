import Foundation
import PostgresStorage
import TestSupport
import Testing

@Suite struct PostgresURLTests {
    @Test func parsesTheFullForm() throws {
        let url = try PostgresURL("postgres://bk:s%40cret@db1.example:6432,db2.example,[::1]:5433/kitchen"
            + "?sslmode=require&connect_timeout=3&application_name=bk-gw&target_session_attrs=any")
        #expect(url.user == "bk")
        #expect(url.password == "s@cret")
        #expect(url.hosts == [.init(name: "db1.example", port: 6432), .init(name: "db2.example", port: 5432),
                              .init(name: "::1", port: 5433)])
        #expect(url.database == "kitchen")
        #expect(url.sslMode == .require)
        #expect(url.connectTimeoutSeconds == 3)
        #expect(url.applicationName == "bk-gw")
        #expect(url.sessionAttributes == .any)
        // The password never shows in what is logged.
        #expect(url.description == "postgres://bk:***@db1.example:6432,db2.example,[::1]:5433/kitchen")
    }

    @Test func defaultsAreLibpqs() throws {
        let url = try PostgresURL("postgresql://bk@localhost/kitchen")
        #expect(url.password == nil)
        #expect(url.hosts == [.init(name: "localhost", port: 5432)])
        #expect(url.sslMode == .prefer)
        #expect(url.sessionAttributes == .readWrite)
        #expect(url.connectTimeoutSeconds == 10)
        #expect(PostgresURL.isPostgres("postgresql://x"))
        #expect(!PostgresURL.isPostgres("data/bk.sqlite"))
        #expect(!PostgresURL.isPostgres("sqlite:data/bk.sqlite"))
    }

    @Test(arguments: [
        ("mysql://bk@h/db", "must start with postgres://"),
        ("postgres://h/db", "no user name"),
        ("postgres://:pw@h/db", "no user name"),
        ("postgres://bk@h", "no database name"),
        ("postgres://bk@h/", "no database name"),
        ("postgres://bk@/db", "no host"),
        ("postgres://bk@h1,,h2/db", "an empty host"),
        ("postgres://bk@h:0/db", "bad port '0' for host h"),
        ("postgres://bk@h:70000/db", "bad port '70000'"),
        ("postgres://bk@h:5432x/db", "bad port '5432x'"),
        ("postgres://bk@[::1/db", "lacks its ']'"),
        ("postgres://bk@h/db?sslmode=allow", "sslmode 'allow' is not supported"),
        ("postgres://bk@h/db?sslmod=require", "unknown parameter 'sslmod'"),
        ("postgres://bk@h/db?sslmode", "has no value"),
        ("postgres://bk@h/db?sslmode=disable&sslmode=require", "given twice"),
        ("postgres://bk@h/db?connect_timeout=-1", "connect_timeout '-1'"),
        ("postgres://bk@h/db?target_session_attrs=standby", "target_session_attrs 'standby'"),
        ("postgres://bk@h/db#x", "fragment"),
        ("postgres://bk@h/db%zz", "bad percent-encoding"),
    ])
    func refusesWithAReason(input: String, reason: String) {
        #expect {
            try PostgresURL(input)
        } throws: { error in
            let text = String(describing: error)
            return text.hasPrefix("bad PostgreSQL URL: ") && text.contains(reason)
        }
    }

    @Test func passwordComesFromTheFileTheURLOrTheEnvironment() throws {
        let dir = TemporaryDirectory()
        let file = dir.file("pw")
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let plain = try PostgresURL("postgres://bk@h/db")
        let withPassword = try PostgresURL("postgres://bk:from-url@h/db")
        let env = [PostgresPassword.environmentVariable: "from-env"]

        #expect(try PostgresPassword.resolve(url: plain, passwordFile: file, environment: env) == "from-file")
        #expect(try PostgresPassword.resolve(url: withPassword, environment: env) == "from-url")
        #expect(try PostgresPassword.resolve(url: plain, environment: env) == "from-env")
        #expect(try PostgresPassword.resolve(url: plain, environment: [:]) == nil)
    }

    @Test func aBadPasswordFileIsAClearError() throws {
        let dir = TemporaryDirectory()
        let url = try PostgresURL("postgres://bk@h/db")
        let missing = dir.file("nope")
        #expect(throws: PostgresPasswordError.self) { try PostgresPassword.resolve(url: url, passwordFile: missing) }
        do {
            _ = try PostgresPassword.resolve(url: url, passwordFile: missing)
        } catch {
            #expect(error.description == "the database password file \(missing) does not exist")
        }
        let empty = dir.file("empty")
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: PostgresPasswordError.self) { try PostgresPassword.resolve(url: url, passwordFile: empty) }
        #expect(throws: PostgresPasswordError.self) { try PostgresPassword.resolve(url: url, passwordFile: dir.path) }
        // Given twice is a mistake, not a preference.
        try "pw".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: PostgresPasswordError.self) {
            try PostgresPassword.resolve(url: try PostgresURL("postgres://bk:x@h/db"), passwordFile: empty)
        }
    }
}
