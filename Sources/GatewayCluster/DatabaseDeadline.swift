import NIOConcurrencyHelpers

/// Runs one database operation for at most `limit`, then gives up on it (and cancels it).
///
/// Not a task group: a group waits for all its children, and a query on a connection whose
/// server vanished may not end when cancelled, while the caller must be answered in time.
func withDeadline<Result: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let race = DeadlineRace(continuation)
        let work = Task {
            do {
                race.finish(.success(try await operation()))
            } catch {
                race.finish(.failure(error))
            }
        }
        race.arm(
            Task {
                try await Task.sleep(for: limit)
                race.finish(.failure(DeadlineExceeded(limit: limit)))
                work.cancel()
            })
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var limit: Duration

    var description: String { "no answer within \(limit)" }
}

/// Resumes the caller with whichever comes first, the operation's outcome or the timeout, and
/// stops the timer once the operation is done.
private final class DeadlineRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var timer: Task<Void, any Error>?
    }

    private let state: NIOLockedValueBox<State>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        state = NIOLockedValueBox(State(continuation: continuation))
    }

    func arm(_ timer: Task<Void, any Error>) {
        let finished = state.withLockedValue { state in
            state.timer = timer
            return state.continuation == nil
        }
        if finished { timer.cancel() }
    }

    func finish(_ result: Result<Value, any Error>) {
        let (continuation, timer) = state.withLockedValue { state in
            defer { state.continuation = nil }
            return (state.continuation, state.timer)
        }
        guard let continuation else { return }
        timer?.cancel()
        continuation.resume(with: result)
    }
}
