/// The outcome of a load run, as `--json` prints it.
public struct LoadReport: Codable, Sendable {
    public var kind = "load"
    /// The suite's name for the run (`--label`).
    public var label: String?
    public var command: String?
    public var target: String
    public var act: String
    public var connections: Int
    public var connected: Int
    public var connectFailures: Int
    public var outstanding: Int
    /// The offered rate, for fixed-rate runs.
    public var rate: Double?
    /// From the start to the last reply.
    public var seconds: Double
    public var counters: LoadCounters
    public var messagesPerSecond: Double
    /// Round trips of successful replies.
    public var latencyMicroseconds: LatencySummary
    public var firstError: String?
    public var admin: AdminPagingReport?
    public var server: ServerCost?
}

/// What a load run cost the server process, from /proc.
public struct ServerCost: Codable, Sendable {
    public var pid: Int32
    /// User plus system CPU time from the start to the end of sending and draining.
    public var cpuSeconds: Double
    public var cpuMicrosecondsPerReply: Double
    public var residentKiBAfter: Int
}
