// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "BrightKitchen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "brightkitchen", targets: ["brightkitchen"]),
        .executable(name: "bench-ingest", targets: ["bench-ingest"]),
        .executable(name: "bench-trace", targets: ["bench-trace"]),
        .executable(name: "bench-stages", targets: ["bench-stages"]),
        .executable(name: "bench-camera", targets: ["bench-camera"]),
        .executable(name: "bench-poll", targets: ["bench-poll"]),
        .executable(name: "camera-eval", targets: ["camera-eval"]),
        .executable(name: "bench-ledger", targets: ["bench-ledger"]),
        .executable(name: "bench-grading", targets: ["bench-grading"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // HTTPS: certificate and key loading for HummingbirdTLS (already in the graph via Hummingbird).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Webhook POSTs: one pooled client, per-request deadlines, targets delivered concurrently.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // PostgreSQL store (issue 15): the wire protocol client, used through a blocking pool.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries: module maps and shim headers only.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode",
                       providers: [.apt(["libqrencode-dev"])]),

        // libjpeg behind a C shim that keeps setjmp/longjmp out of Swift frames.
        .target(name: "CJPEGShim", linkerSettings: [.linkedLibrary("jpeg")]),
        // fork+exec with PR_SET_PDEATHSIG from one long-lived thread: children die with us.
        .target(name: "CProcessShim"),
        // glibc's malloc_trim, which Swift's Glibc module does not export.
        .target(name: "CMallocShim"),
        .target(name: "KitchenModel"),
        // GB/T 2260 division names by code, from a data file shipped in the target (data/README.md).
        .target(name: "RegionNames", exclude: ["data/README.md"], resources: [.embedInCode("data/divisions.tsv")]),
        // Ticket codes, trace numbers, QR codes and receipts: pure, no I/O.
        .target(name: "Traceability", dependencies: [
            "CQREncode", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Pure food-safety decisions: no I/O, time passed in.
        .target(name: "KitchenRules", dependencies: ["KitchenModel"]),
        .target(name: "MQTTClient", dependencies: [
            "CMosquitto", "CProcessShim", "KitchenModel",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "DeviceIngest", dependencies: ["KitchenModel"]),
        // Tasmota, zigbee2mqtt, Shelly and Frigate payloads mapped to the canonical messages.
        .target(name: "DeviceAdapters", dependencies: ["KitchenModel", "DeviceIngest"]),
        .target(name: "DeviceSimulator", dependencies: [
            "KitchenModel", "MQTTClient",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // What the store keeps and the capabilities a backend offers; no database library in sight.
        .target(name: "StorageModel", dependencies: [
            "KitchenModel", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Storage", dependencies: [
            "StorageModel",
            "KitchenModel",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API for the writer's hot statements (BoundStatement).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // PostgreSQL store (issue 15): URL parsing, a blocking connection pool, named migrations.
        .target(name: "PostgresStorage", dependencies: [
            "KitchenModel", "StorageModel",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            // SHA-256 of API tokens and session ids, hashed here so the plaintext never reaches the server.
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Kitchen ledgers (docs/ledgers.md): signing day heads, verifying chains, the signed export.
        .target(name: "Ledgers", dependencies: [
            "KitchenModel", "StorageModel", "Traceability", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // What the HTTP layer sees of the running gateway: narrow protocols (alarm actions, live site
        // views, traceability, metrics) and the value types they return; `Gateway` conforms.
        .target(name: "GatewayPorts", dependencies: ["KitchenModel", "KitchenRules", "Traceability", "RegionNames"]),
        // Audit reports (HACCP log, disinfection ledger, alarm statistics): store queries and pure
        // computation, rendered as CSV or a printable page; used by the CLI and by `WebAPI`.
        .target(name: "Reports", dependencies: ["KitchenModel", "KitchenRules", "StorageModel", "Traceability", "Ledgers", "RegionNames"]),
        .target(name: "Gateway", dependencies: [
            "KitchenModel", "KitchenRules", "DeviceIngest", "MQTTClient", "Storage", "StorageModel", "PostgresStorage", "Traceability",
            "DeviceAdapters", "CameraVision", "Ledgers", "Reports",
            "GatewayPorts",
            "CMallocShim",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // No `Gateway`: routes reach the running gateway through `GatewayPorts`' protocols.
        .target(name: "WebAPI", dependencies: [
            "GatewayPorts", "Reports", "StorageModel", "KitchenModel", "KitchenRules", "Traceability", "Ledgers", "RegionNames",
            // Complaint photos: the camera module's JPEG inspector and the camera push's multipart reader.
            "CameraVision", "DeviceAdapters",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ], resources: [.embedInCode("OpenAPI/openapi.json"), .embedInCode("Complaints/holidays-cn.txt")]),
        // `brightkitchen store copy` (issue 15): a SQLite store copied into PostgreSQL, verified and resumable.
        .target(name: "StoreCopy", dependencies: [
            "Storage", "StorageModel", "PostgresStorage",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "brightkitchen", dependencies: [
            "Gateway", "GatewayPorts", "WebAPI", "Reports", "Storage", "StorageModel", "MQTTClient", "DeviceSimulator", "KitchenRules", "Traceability",
            "DeviceAdapters", "StoreCopy", "PostgresStorage", "Ledgers",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Free loopback ports and plain loopback sockets, for the benchmarks and the tests alike.
        .target(name: "LoopbackTools"),
        .executableTarget(name: "bench-ingest", dependencies: [
            "Gateway", "MQTTClient", "Storage", "StorageModel", "DeviceSimulator", "KitchenRules", "DeviceAdapters", "LoopbackTools",
            "CameraVision",
            "PostgresStorage",
        ]),

        // CPU per message by ingest stage; synchronous (no async main) so valgrind can run it.
        .executableTarget(name: "bench-stages", dependencies: [
            "Gateway", "DeviceIngest", "DeviceSimulator", "KitchenModel", "Storage", "StorageModel", .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "bench-trace", dependencies: ["Traceability"]),
        // Ledger appends (chain + signed heads) per second and verification time, on a SQLite store.
        .executableTarget(name: "bench-ledger", dependencies: ["Ledgers", "Storage", "StorageModel", "Traceability", "KitchenModel"]),
        // Nightly grading of a province's sites from 90 days of alarms, on a SQLite store.
        .executableTarget(name: "bench-grading", dependencies: ["Reports", "Storage", "StorageModel", "KitchenRules", "KitchenModel"]),
        // Camera frames: validation, evidence thumbnails, video-quality diagnosis, night motion.
        .target(name: "CameraVision", dependencies: ["CJPEGShim"],
                linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        .executableTarget(name: "bench-camera", dependencies: ["CameraVision"]),
        // Snapshot polling's cost: `brightkitchen serve` polling a loopback camera stand-in (docs/benchmarks.md).
        .executableTarget(name: "bench-poll", dependencies: ["CameraVision", "LoopbackTools"]),
        .executableTarget(name: "camera-eval", dependencies: ["CameraVision"]),

        // Each fuzz harness's per-input body (Fuzz/README.md): always built, so `swift test`
        // replays every seed and past crash through them (FuzzReplayTests) without libFuzzer.
        .target(name: "FuzzTargets", dependencies: [
            "DeviceIngest", "DeviceAdapters", "KitchenModel", "Traceability", "CameraVision", "Gateway", "WebAPI",
        ], path: "Fuzz/Sources/FuzzTargets"),

        // Helpers shared by test targets: temporary directories, polling, locating binaries.
        .target(name: "TestSupport", dependencies: ["CProcessShim", "KitchenModel", "LoopbackTools"], path: "Tests/TestSupport"),
        .testTarget(name: "KitchenModelTests", dependencies: ["KitchenModel"]),
        .testTarget(name: "RegionNamesTests", dependencies: ["RegionNames"]),
        .testTarget(name: "KitchenRulesTests", dependencies: ["KitchenRules", "KitchenModel"]),
        .testTarget(name: "CameraVisionTests", dependencies: ["CameraVision"]),
        .testTarget(name: "TraceabilityTests", dependencies: ["Traceability", "TestSupport"]),
        .testTarget(name: "DeviceIngestTests", dependencies: ["DeviceIngest", "KitchenModel"]),
        .testTarget(name: "DeviceAdaptersTests", dependencies: ["DeviceAdapters", "DeviceIngest", "KitchenModel", "TestSupport"]),
        .testTarget(name: "MQTTClientTests", dependencies: ["MQTTClient", "TestSupport"]),
        // Every case runs against SQLite and against PostgreSQL (a throw-away server, TestSupport).
        .testTarget(name: "StorageTests", dependencies: [
            "Storage", "StorageModel", "PostgresStorage", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Against a throw-away PostgreSQL server (TestSupport's ThrowawayPostgres); the SQLite store
        // and GRDB only to compare the two schemas.
        .testTarget(name: "PostgresStorageTests", dependencies: [
            "PostgresStorage", "StorageModel", "KitchenModel", "TestSupport", "Storage",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
        ]),
        // A real SQLite file (written by `brightkitchen seed`) copied into a throw-away PostgreSQL.
        .testTarget(name: "StoreCopyTests", dependencies: [
            "StoreCopy", "Storage", "StorageModel", "PostgresStorage", "Gateway", "Traceability", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // Kitchen ledgers on both stores, and tampering done straight in the database and in exports.
        .testTarget(name: "LedgersTests", dependencies: [
            "Ledgers", "Storage", "StorageModel", "PostgresStorage", "Traceability", "KitchenModel", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "DeviceSimulatorTests", dependencies: ["DeviceSimulator", "MQTTClient", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "GatewayPorts", "DeviceIngest", "MQTTClient", "DeviceSimulator", "Storage", "StorageModel", "TestSupport", "brightkitchen",
            "Traceability", "CameraVision", "WebAPI", "Ledgers",
            // MD5 for the digest-speaking camera stand-in (CameraPushLoopTests).
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "ReportsTests", dependencies: [
            "Reports", "Storage", "StorageModel", "KitchenModel", "KitchenRules", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "WebAPITests", dependencies: [
            // The real gateway behind the ports: tests build a real engine, never a stand-in.
            "WebAPI", "Gateway", "GatewayPorts", "Reports", "Storage", "StorageModel", "TestSupport", "CameraVision", "Ledgers",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses (Fuzz/README.md): only when scripts/fuzz asks for them, so that the normal
// build and test never need the fuzzer runtime or the sanitizer flags these targets are built with.
if Context.environment["BRIGHTKITCHEN_FUZZ"] == "1" {
    // Thin executables: libFuzzer's driver (FuzzSupport) around a body from FuzzTargets.
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["FuzzTargets"], path: "Fuzz/Sources/FuzzSupport"))
    for harness in ["topic", "native", "adapters", "ticket", "jpeg", "registry", "keyring", "batch", "camera"] {
        package.targets.append(.executableTarget(name: "fuzz-\(harness)", dependencies: ["FuzzSupport", "FuzzTargets"],
                                                 path: "Fuzz/Sources/fuzz-\(harness)"))
    }
}
