import GtcpClient
import NIOConcurrencyHelpers

/// What a client printed or a peer saw, gathered from any task.
final class Recorder<Element: Sendable>: Sendable {
    private let items = NIOLockedValueBox<[Element]>([])

    func append(_ item: Element) {
        self.items.withLockedValue { $0.append(item) }
    }

    var all: [Element] {
        self.items.withLockedValue { $0 }
    }
}

/// A `ClientOutput` that keeps the lines instead of printing them.
struct RecordedOutput {
    let lines = Recorder<String>()
    let errors = Recorder<String>()

    var output: ClientOutput {
        ClientOutput(line: { [lines] in lines.append($0) }, error: { [errors] in errors.append($0) })
    }

    /// The lines with their timestamp prefix removed; nil if any line lacks one.
    var untimestampedLines: [String]? {
        let lines = self.lines.all.compactMap { line in
            line.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (.*)/).map { String($0.output.1) }
        }
        return lines.count == self.lines.all.count ? lines : nil
    }
}
