import Hummingbird
import Logging
import ServiceLifecycle

/// An HTTP backend on 127.0.0.1 and an ephemeral port, for the duration of the body.
enum TestBackend {
    static func run<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "test-backend")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress!.port!) },
            logger: logger
        )
        let serviceGroup = ServiceGroup(services: [app], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = await portIterator.next()!
            do {
                let result = try await body(port)
                await serviceGroup.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                tasks.cancelAll()
                throw error
            }
        }
    }
}

/// Holds requests until opened, and reports each request that starts waiting.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var concurrent = 0
    private(set) var maxConcurrent = 0
    nonisolated let arrivals: AsyncStream<Void>
    private let arrivalContinuation: AsyncStream<Void>.Continuation

    init() {
        (arrivals, arrivalContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    func pass() async {
        concurrent += 1
        maxConcurrent = max(maxConcurrent, concurrent)
        arrivalContinuation.yield()
        if !isOpen {
            await withCheckedContinuation { waiting.append($0) }
        }
        concurrent -= 1
    }

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }
}
