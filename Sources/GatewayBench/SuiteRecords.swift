import Foundation

/// A `wrk` run at nginx, as the suite's Lua script writes it.
public struct WrkReport: Codable, Sendable {
    public var kind = "wrk"
    public var label: String?
    public var command: String?
    public var connections: Int
    public var threads: Int
    /// In a paced run, the requests per second offered over all connections.
    public var rate: Double?
    public var seconds: Double
    public var requests: Int
    public var errors: Int
    public var requestsPerSecond: Double
    public var latencyMicroseconds: LatencySummary
}

/// Pushes to one client of a cluster through the admin API of the node holding it and of
/// another node, as scripts/cluster_push_latency.py writes it: from the admin call until the
/// client has the message, one push at a time.
public struct PushReport: Codable, Sendable {
    public var kind = "push"
    public var label: String?
    public var command: String?
    /// Pushes along each path.
    public var count: Int
    public var sameNodeMicroseconds: LatencySummary
    public var crossNodeMicroseconds: LatencySummary
}

/// The machine a suite ran on, as the suite script records it.
public struct MachineReport: Codable, Sendable {
    public var kind = "machine"
    public var date: String
    public var cpu: String
    public var cores: Int
    public var memory: String
    public var kernel: String
    public var swift: String
    public var nginx: String
    public var wrk: String
    /// The Go toolchain that built the idle peer; absent from suites run before it had one.
    public var go: String?
    /// The PostgreSQL of the cluster scenario; absent from suites run before it had one.
    public var postgresql: String?
    public var commit: String
    public var loadAverage: String
}

/// Every result of one suite run, by label.
public struct SuiteResults: Sendable {
    public var machine: MachineReport?
    public var loads: [String: LoadReport] = [:]
    public var wrk: [String: WrkReport] = [:]
    public var idle: [String: IdleReport] = [:]
    public var pushes: [String: PushReport] = [:]
    /// Hand-written notes kept beside the results (profile findings, say).
    public var notes: String?

    public init() {}

    private struct Header: Decodable {
        var kind: String
        var label: String?
    }

    /// Adds one JSON result; files of an unknown kind are skipped.
    public mutating func add(json data: Data, name: String) throws {
        let header = try BenchJSON.decode(Header.self, from: data)
        let label = header.label ?? name
        switch header.kind {
        case "load": loads[label] = try BenchJSON.decode(LoadReport.self, from: data)
        case "wrk": wrk[label] = try BenchJSON.decode(WrkReport.self, from: data)
        case "idle": idle[label] = try BenchJSON.decode(IdleReport.self, from: data)
        case "push": pushes[label] = try BenchJSON.decode(PushReport.self, from: data)
        case "machine": machine = try BenchJSON.decode(MachineReport.self, from: data)
        default: break
        }
    }

    /// The run with the most messages per second among those whose label starts with `prefix`.
    func best(_ prefix: String) -> LoadReport? {
        loads.filter { $0.key.hasPrefix(prefix) }.values.max { $0.messagesPerSecond < $1.messagesPerSecond }
    }

    /// The idle run whose server used the least CPU among those whose label starts with `prefix`.
    func leanestIdle(_ prefix: String) -> IdleReport? {
        idle.filter { $0.key.hasPrefix(prefix) && $0.value.server != nil }.values
            .min { $0.server!.cpuPercentOfOneCore < $1.server!.cpuPercentOfOneCore }
    }

    /// The run with the lowest p99 among those whose label starts with `prefix`.
    func steadiest(_ prefix: String) -> LoadReport? {
        Self.lowestP99(loads, prefix) { $0.latencyMicroseconds }
    }

    /// The wrk run with the lowest p99 among those whose label starts with `prefix`.
    func steadiestWrk(_ prefix: String) -> WrkReport? {
        Self.lowestP99(wrk, prefix) { $0.latencyMicroseconds }
    }

    private static func lowestP99<Report>(
        _ runs: [String: Report], _ prefix: String, _ latency: (Report) -> LatencySummary
    ) -> Report? {
        runs.filter { $0.key.hasPrefix(prefix) }.values.min { latency($0).p99 < latency($1).p99 }
    }

    /// Runs whose label is `prefix` followed by a connection count, by that count.
    func sweep(_ prefix: String) -> [(connections: Int, report: LoadReport)] {
        loads.compactMap { label, report in
            guard label.hasPrefix(prefix), let count = Int(label.dropFirst(prefix.count)) else { return nil }
            return (count, report)
        }.sorted { $0.connections < $1.connections }
    }
}
