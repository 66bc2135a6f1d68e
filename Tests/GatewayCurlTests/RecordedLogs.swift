import Logging
import NIOConcurrencyHelpers

/// The messages logged through `logger`, as a stream a test can wait on.
final class RecordedLogs: Sendable {
    let messages: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let recorded = NIOLockedValueBox<[String]>([])

    init() {
        (messages, continuation) = AsyncStream.makeStream(of: String.self)
    }

    var all: [String] { recorded.withLockedValue { $0 } }

    var logger: Logger {
        Logger(label: "recorded") { _ in Handler(logs: self) }
    }

    fileprivate func record(_ message: String) {
        recorded.withLockedValue { $0.append(message) }
        continuation.yield(message)
    }

    private struct Handler: LogHandler {
        let logs: RecordedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.record(event.message.description)
        }
    }
}
