import Foundation

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
/// For waiting on real processes and brokers, where no callback says "done".
public func eventually(timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
                       _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18
            + Double(interval.components.seconds))
    }
    return try condition()
}

/// The same poll for async code: it sleeps without holding a thread of the cooperative pool (on two
/// cores that pool has two), and the condition may await. A condition that awaits picks this one;
/// a synchronous condition does too when written `{ () async in ... }`.
public func eventually(timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Where SwiftPM put the binaries of this build (the test bundle sits beside them).
public func productsDirectory() -> URL {
    let bundle = Bundle.main.bundleURL
    // On Linux the test runner is `<products>/<Package>PackageTests.xctest`.
    if bundle.pathExtension == "xctest" { return bundle.deletingLastPathComponent() }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("brightkitchen").path) { return url }
    }
    return bundle
}

/// The repository root, found from this source file's location.
public func repositoryRoot(file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
