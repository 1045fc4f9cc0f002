import Logging
import MQTTClient
import ServiceLifecycle
import Storage
import StorageModel

/// Runs the batch writer for as long as the service group runs, draining it on shutdown.
struct WriterService: Service {
    let writer: BatchWriter

    func run() async throws {
        try? await gracefulShutdown()
        writer.stop()
    }
}

/// Stops the embedded broker when the group shuts down (it is last to go).
struct BrokerService: Service {
    let broker: MosquittoBroker

    func run() async throws {
        try? await gracefulShutdown()
        broker.stop()
    }
}

/// Repeats `tick` every `interval` until shutdown.
struct PeriodicService: Service {
    let interval: Duration
    let tick: @Sendable () async -> Void

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            if Task.isShuttingDownGracefully { break }
            await tick()
        }
    }
}

/// Runs `action` once the group shuts down.
struct ShutdownHook: Service {
    let action: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        action()
    }
}
