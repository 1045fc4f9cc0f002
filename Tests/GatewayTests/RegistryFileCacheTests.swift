import Foundation
@testable import Gateway
import Logging
import Testing
import TestSupport

/// The supervisors and web replicas ask for the registry every second; parsing a province's file
/// each time cost a vision worker a quarter of a core, so it is parsed again only when it changed.
@Suite struct RegistryFileCacheTests {
    let logger = Logger(label: "test")

    func write(_ yaml: String, to path: String, modified: Date) throws {
        try yaml.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    static let one = "sites: [{id: canteen-01, kind: canteen, region: '420106'}]"
    static let two = "sites: [{id: canteen-01, kind: canteen, region: '420106'}, {id: canteen-02, kind: canteen, region: '420106'}]"

    @Test func theFileIsParsedAgainOnlyWhenItChanged() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("registry.yaml")
        let then = Date(timeIntervalSince1970: 1_800_000_000)
        try write(Self.one, to: path, modified: then)
        var cache = RegistryFileCache(path: path)
        let read1 = cache.current(logger: logger)
        #expect(read1?.sites.count == 1)
        #expect(cache.generation == 1)

        // Rewritten with the same modification time: not read (the time is what is compared).
        try write(Self.two, to: path, modified: then)
        let read2 = cache.current(logger: logger)
        #expect(read2?.sites.count == 1)
        #expect(cache.generation == 1)

        try write(Self.two, to: path, modified: then.addingTimeInterval(1))
        let read3 = cache.current(logger: logger)
        #expect(read3?.sites.count == 2)
        #expect(cache.generation == 2)
    }

    @Test func aBrokenFileKeepsTheLastRegistryAndNoneAtFirstIsAnError() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("registry.yaml")
        let then = Date(timeIntervalSince1970: 1_800_000_000)
        try write("sites: [{id: Bad}]", to: path, modified: then)
        var cache = RegistryFileCache(path: path)
        let read4 = cache.current(logger: logger)
        #expect(read4 == nil)
        #expect(throws: (any Error).self) { try cache.load(logger: logger) }

        try write(Self.one, to: path, modified: then.addingTimeInterval(1))
        let read5 = cache.current(logger: logger)
        #expect(read5?.sites.count == 1)
        try write("sites: [{id: Bad}]", to: path, modified: then.addingTimeInterval(2))
        let read6 = cache.current(logger: logger)
        #expect(read6?.sites.count == 1, "the last good registry stays in force")
        #expect(cache.generation == 1)
    }
}
