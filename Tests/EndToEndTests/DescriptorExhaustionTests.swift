import Foundation
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The gateway out of file descriptors: clients beyond what it can hold wait in the listen
/// backlog, the failed accepts are logged once per interval and not spun on, the clients it
/// holds keep being served, and the waiting ones get in once descriptors are free again.
@Suite(.timeLimit(.minutes(1)))
struct DescriptorExhaustionTests {
    private static let acceptFailure = "accepting a connection failed"
    private static let greeting = Msg(act: "hello", data: "Nice to meet you!")

    @Test func acceptFailuresAreLoggedOnceAndTheListenerRecovers() async throws {
        let server = try GatewayProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        let port = try await server.port(announcedBy: "gtcp listener on")
        let adminPort = try await server.port(announcedBy: "admin API on")
        // Room for ten more descriptors than the gateway holds now.
        try Self.limitDescriptors(of: server.pid, headroom: 10)

        var held: [GtcpClientConnection] = []
        var backlogged: GtcpClientConnection?
        while backlogged == nil {
            try #require(held.count < 20, "the gateway accepted more clients than its descriptor limit allows")
            let client = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            try await client.send(Msg(act: "hello", data: "client \(held.count)"))
            // Answered if accepted; otherwise it waits in the backlog and the accept failure shows.
            let accepted = await firstOf(
                { ((try? await client.messages.first { _ in true }) ?? nil) != nil },
                { await server.line(containing: Self.acceptFailure) == nil }
            )
            if accepted {
                held.append(client)
            } else {
                backlogged = client
            }
        }
        let exhausted = ContinuousClock.now
        var waiting: [GtcpClientConnection] = []
        for index in 0..<4 {
            let client = try await GtcpClientConnection.connect(host: "127.0.0.1", port: port)
            try await client.send(Msg(act: "hello", data: "waiting \(index)"))
            waiting.append(client)
        }

        // What is measured is a rate, so time passes on purpose: without a backoff the listener
        // would retry accept in a busy loop and log each failure.
        let cpuBefore = try Self.cpuTime(of: server.pid)
        try await Task.sleep(for: .seconds(3))
        let cpuSpent = try Self.cpuTime(of: server.pid) - cpuBefore
        #expect(cpuSpent < .seconds(1), "the gateway spent \(cpuSpent) of CPU in 3s while out of descriptors")

        for client in held {
            try await client.send(Msg(act: "hello"))
            #expect(try await client.messages.first { _ in true } == Self.greeting)
        }
        // Free more descriptors than clients wait, leaving room for the admin request below.
        await backlogged?.close()
        for client in held.prefix(waiting.count + 2) {
            await client.close()
        }
        for client in waiting {
            #expect(try await client.messages.first { _ in true } == Self.greeting)
            await client.close()
        }
        for client in held.dropFirst(waiting.count + 2) {
            await client.close()
        }

        let metrics = try await Self.get("http://127.0.0.1:\(adminPort)/metrics")
        let failures = metrics.split(separator: "\n").first { $0.hasPrefix("gtcp_accept_errors_total ") }
            .flatMap { Double($0.split(separator: " ").last!) } ?? 0
        let reports = server.output.filter { $0.contains(Self.acceptFailure) }.count
        let intervals = Int((ContinuousClock.now - exhausted) / .seconds(10)) + 1
        #expect(failures >= 2, "accept failed \(failures) times")
        #expect(reports >= 1 && reports <= intervals, "\(reports) log lines for \(failures) failures")

        server.signal(SIGTERM)
        #expect(await server.exitStatus() == 0)
    }

    /// Through util-linux's prlimit: Glibc's prlimit(2) wrapper is not visible to Swift.
    private static func limitDescriptors(of pid: Int32, headroom: Int) throws {
        let open = Set(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { Int($0) })
        // New descriptors take the lowest free numbers below the limit, holes included.
        var limit = headroom
        while limit - open.filter({ $0 < limit }).count < headroom {
            limit += 1
        }
        let prlimit = try SpawnedProcess.run(
            "/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=\(limit):\(limit)"],
            environment: ProcessInfo.processInfo.environment)
        try #require(prlimit.status == 0, "prlimit failed: \(prlimit.output)")
    }

    /// User and system time the process has used, from /proc/PID/stat.
    private static func cpuTime(of pid: Int32) throws -> Duration {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may hold spaces.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = Int(fields[11])! + Int(fields[12])!
        return .milliseconds(ticks * 1000 / sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func get(_ url: String) async throws -> String {
        let (body, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: body, as: UTF8.self)
    }
}

/// The result of whichever operation finishes first. The other runs on unwatched: neither
/// needs to notice cancellation.
func firstOf<Value: Sendable>(
    _ first: @escaping @Sendable () async -> Value,
    _ second: @escaping @Sendable () async -> Value
) async -> Value {
    let decided = Decided()
    return await withCheckedContinuation { continuation in
        for operation in [first, second] {
            Task {
                let result = await operation()
                if decided.claim() {
                    continuation.resume(returning: result)
                }
            }
        }
    }
}

private final class Decided: Sendable {
    private let flag = Atomic(false)

    /// True for the first caller only.
    func claim() -> Bool {
        !flag.exchange(true, ordering: .relaxed)
    }
}
