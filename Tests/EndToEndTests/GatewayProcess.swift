import Foundation
import GatewayTestSupport
import NIOConcurrencyHelpers

/// A child process of the real `gtcp-gateway` binary, with its output read line by line.
final class GatewayProcess: Sendable {
    /// The binary under test: `GATEWAY_BINARY_UNDER_TEST`, else the one beside this test bundle.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["GATEWAY_BINARY_UNDER_TEST"] {
            return URL(fileURLWithPath: path)
        }
        var directory = Bundle.main.bundleURL
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("gtcp-gateway")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        fatalError("gtcp-gateway binary not found; build it first or set GATEWAY_BINARY_UNDER_TEST")
    }()

    private let process: SpawnedProcess
    /// Every line of stdout and stderr, merged, as they arrive.
    let lines = Transcript<String>()
    private let exit = ExitState()

    /// Starts `gtcp-gateway ARGUMENTS` with stdout and stderr merged; with `journalStream`,
    /// `JOURNAL_STREAM` names that stream as systemd does when it hands stderr to journald;
    /// with `openFileLimit`, under that RLIMIT_NOFILE (through util-linux's prlimit, which
    /// execs the gateway in its own process).
    init(
        _ arguments: [String], environment: [String: String] = [:], workingDirectory: URL? = nil,
        journalStream: Bool = false, openFileLimit: Int? = nil
    ) throws {
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        merged.removeValue(forKey: "WATCHDOG_USEC")
        merged.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment {
            merged[key] = value
        }
        process = try SpawnedProcess(
            executable: openFileLimit == nil ? Self.binary.path : "/usr/bin/prlimit",
            arguments: openFileLimit.map { ["--nofile=\($0):\($0)", Self.binary.path] + arguments } ?? arguments,
            environment: merged,
            workingDirectory: workingDirectory?.path,
            journalStream: journalStream ? "JOURNAL_STREAM" : nil)
        Thread.detachNewThread { [process, exit] in
            let status = process.waitForExit()
            let waiting = exit.state.withLockedValue { state in
                state.status = status
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            waiting.forEach { $0.resume(returning: status) }
        }
        Thread.detachNewThread { [process, lines] in
            var pending: [UInt8] = []
            process.readOutput { chunk in
                pending.append(contentsOf: chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty {
                lines.append(String(decoding: pending, as: UTF8.self))
            }
            lines.end()
        }
    }

    var output: [String] { lines.items }

    var pid: Int32 { process.pid }

    /// The first output line (already printed or still to come) containing `text`, or nil if
    /// the output ends without one; `occurrence` 2 waits for the second such line, and so on.
    func line(containing text: String, occurrence: Int = 1) async -> String? {
        await lines.item(occurrence) { $0.contains(text) }
    }

    func line(where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        await lines.item(where: predicate)
    }

    /// The port from a log line like `... on 127.0.0.1:40123`.
    func port(announcedBy text: String) async throws -> Int {
        guard let line = await line(containing: text),
            let port = line.split(separator: ":").last.flatMap({ Int($0.prefix(while: \.isNumber)) })
        else {
            throw GatewayProcessError.noLine(text, output: output)
        }
        return port
    }

    func signal(_ signal: Int32) {
        kill(process.pid, signal)
    }

    /// Waits for the process to exit and for the last of its output, and returns its exit status.
    func exitStatus() async -> Int32 {
        await lines.waitForEnd()
        return await withCheckedContinuation { continuation in
            let status: Int32? = exit.state.withLockedValue { state in
                if let status = state.status {
                    return status
                }
                state.waiters.append(continuation)
                return nil
            }
            if let status {
                continuation.resume(returning: status)
            }
        }
    }

    deinit {
        if exit.state.withLockedValue({ $0.status == nil }) {
            kill(process.pid, SIGTERM)
        }
    }
}

private final class ExitState: Sendable {
    let state = NIOLockedValueBox<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
}

enum GatewayProcessError: Error, CustomStringConvertible {
    case noLine(String, output: [String])

    var description: String {
        switch self {
        case .noLine(let text, let output):
            "no output line contains \"\(text)\"; output was:\n" + output.joined(separator: "\n")
        }
    }
}
