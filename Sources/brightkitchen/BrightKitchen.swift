import ArgumentParser

@main
struct BrightKitchen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brightkitchen",
        abstract: "IoT sensor and traceability gateway for bright-kitchen (明厨亮灶) programs.",
        subcommands: [Serve.self, Demo.self, Seed.self, Simulate.self, Tokens.self, Rejects.self, Verify.self, Keys.self, Devices.self,
                      Report.self, StoreCommands.self, LedgerCommand.self, GradesCommand.self])
}
