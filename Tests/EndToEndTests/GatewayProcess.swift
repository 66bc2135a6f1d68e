import Foundation
import Synchronization

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

    private let process: Process
    private let lines = Mutex<[String]>([])
    private let waiters = Mutex<[(predicate: @Sendable (String) -> Bool, continuation: CheckedContinuation<String?, Never>)]>([])
    private let ended = Mutex(false)
    private let exit = ExitState()

    /// Starts `gtcp-gateway ARGUMENTS` with stdout and stderr merged.
    init(_ arguments: [String], environment: [String: String] = [:], workingDirectory: URL? = nil) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        merged.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment {
            merged[key] = value
        }
        process.environment = merged
        if let workingDirectory {
            process.currentDirectoryURL = workingDirectory
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exit] process in
            let waiting = exit.state.withLock { state in
                state.status = process.terminationStatus
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            waiting.forEach { $0.resume(returning: process.terminationStatus) }
        }
        try process.run()
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty {
                    break
                }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    received(line)
                }
            }
            if !pending.isEmpty {
                received(String(decoding: pending, as: UTF8.self))
            }
            outputEnded()
        }
    }

    var output: [String] { lines.withLock { $0 } }

    var pid: Int32 { process.processIdentifier }

    private func received(_ line: String) {
        lines.withLock { $0.append(line) }
        let matched = waiters.withLock { waiters in
            let matched = waiters.filter { $0.predicate(line) }
            waiters.removeAll { $0.predicate(line) }
            return matched
        }
        matched.forEach { $0.continuation.resume(returning: line) }
    }

    private func outputEnded() {
        let waiting = waiters.withLock { waiters in
            ended.withLock { $0 = true }
            defer { waiters.removeAll() }
            return waiters
        }
        waiting.forEach { $0.continuation.resume(returning: nil) }
    }

    /// The first output line (already printed or still to come) containing `text`, or nil if
    /// the output ends without one.
    func line(containing text: String) async -> String? {
        await line { $0.contains(text) }
    }

    func line(where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        await withCheckedContinuation { continuation in
            let found: String?? = waiters.withLock { waiters in
                if let line = lines.withLock({ $0.first(where: predicate) }) {
                    return .some(line)
                }
                if ended.withLock({ $0 }) {
                    return .some(nil)
                }
                waiters.append((predicate, continuation))
                return nil
            }
            if let found {
                continuation.resume(returning: found)
            }
        }
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
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its exit status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = exit.state.withLock { state in
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
        if process.isRunning {
            process.terminate()
        }
    }
}

private final class ExitState: Sendable {
    let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
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
