import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The progress line on standard error: rewritten in place on a terminal, otherwise a line
/// every few seconds so logs stay short.
public final class ProgressLine: Sendable {
    private let isTerminal: Bool
    private let lastLineAt = NIOLockedValueBox<NIODeadline?>(nil)
    private static let logInterval = TimeAmount.seconds(5)

    public init(isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
        self.isTerminal = isTerminal
    }

    public func show(_ text: String) {
        if isTerminal {
            write("\r\u{1B}[K" + text)
            return
        }
        let now = NIODeadline.now()
        let due = lastLineAt.withLockedValue { last in
            guard last.map({ now - $0 >= Self.logInterval }) ?? true else { return false }
            last = now
            return true
        }
        if due {
            write(text + "\n")
        }
    }

    /// Removes the line before the report is printed.
    public func clear() {
        if isTerminal {
            write("\r\u{1B}[K")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
