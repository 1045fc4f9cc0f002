import KitchenModel

/// Gathers what each bound device made of one payload into a single outcome.
struct BindingResults {
    private var messages: [AdaptedMessage] = []
    private var problems: [BindingProblem] = []
    /// Bindings the payload has nothing for (a thermometer on a Tasmota STATE).
    private var skipped: [String] = []

    mutating func add(_ key: DeviceKey, _ produce: () throws(Rejection) -> [AdaptedMessage]) {
        do {
            let made = try produce()
            if made.isEmpty { skipped.append("\(key)") } else { messages += made }
        } catch {
            problems.append(BindingProblem(key: key, rejection: error))
        }
    }

    /// One problem and nothing made: the payload failed as a whole, named for its device when
    /// several share the source.
    func outcome(nothingFor reason: @autoclosure () -> String) -> AdapterOutcome {
        if !messages.isEmpty { return .messages(messages, problems: problems) }
        if let first = problems.first {
            guard problems.count > 1 || !skipped.isEmpty else { return .rejected(first.rejection) }
            return .rejected(Rejection(first.rejection.reason, "for \(first.key): \(first.rejection.message)"))
        }
        return .ignored(reason())
    }
}
