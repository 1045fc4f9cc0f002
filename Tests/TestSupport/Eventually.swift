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
