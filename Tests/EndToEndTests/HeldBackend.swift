import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// An upstream in the test process that holds every request until the test releases them:
/// `POST /acts/{act}` with body B answers `done B`. `arrivals` lists the bodies as they come.
final class HeldBackend: Sendable {
    let arrivals = Transcript<String>()
    private let held = NIOLockedValueBox<(released: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Lets every held request, and every later one, through.
    func release() {
        let waiting = held.withLockedValue { held in
            held.released = true
            defer { held.waiting.removeAll() }
            return held.waiting
        }
        waiting.forEach { $0.resume() }
    }

    private func hold(_ body: String) async {
        arrivals.append(body)
        await withCheckedContinuation { continuation in
            let released = held.withLockedValue { held in
                if !held.released {
                    held.waiting.append(continuation)
                }
                return held.released
            }
            if released {
                continuation.resume()
            }
        }
    }

    /// Serves on 127.0.0.1 at a port the kernel picks for as long as `body` runs; releases what
    /// is still held before stopping.
    static func run<Value: Sendable>(_ body: (_ backend: HeldBackend, _ port: Int) async throws -> Value) async throws -> Value {
        let backend = HeldBackend()
        let router = Router()
        router.post("/acts/:act") { request, context -> String in
            let text = String(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            await backend.hold(text)
            return "done \(text)"
        }
        var logger = Logger(label: "held-backend")
        logger.logLevel = .error
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress!.port!) },
            logger: logger
        )
        let serviceGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = await portIterator.next()!
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(backend, port))
            } catch {
                result = .failure(error)
            }
            backend.release()
            await serviceGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
