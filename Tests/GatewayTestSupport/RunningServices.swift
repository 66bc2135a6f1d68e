import Logging
import ServiceLifecycle

/// Runs `services` in one ServiceGroup for the length of `body`. Once the body returns, the group
/// shuts down gracefully and is awaited, so a test also sees the services drain; if it throws,
/// they are cancelled.
public func withRunningServices<Result: Sendable>(
    _ services: [any Service],
    logger: Logger,
    _ body: () async throws -> Result
) async throws -> Result {
    let serviceGroup = ServiceGroup(services: services, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await serviceGroup.run() }
        do {
            let result = try await body()
            await serviceGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            tasks.cancelAll()
            throw error
        }
    }
}

extension Logger {
    /// For services under test: only critical records, so passing tests print nothing.
    public static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }
}
