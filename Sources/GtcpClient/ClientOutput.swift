import Foundation

/// Where the client commands write: results and log lines to one sink, problems to the other.
public struct ClientOutput: Sendable {
    public var line: @Sendable (String) -> Void
    public var error: @Sendable (String) -> Void

    public init(line: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.line = line
        self.error = error
    }

    /// Standard output and standard error, unbuffered so each line shows as it happens.
    public static let standard = ClientOutput(
        line: { try? FileHandle.standardOutput.write(contentsOf: Data(($0 + "\n").utf8)) },
        error: { try? FileHandle.standardError.write(contentsOf: Data(($0 + "\n").utf8)) }
    )
}
