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

    public init(
        target: String,
        act: String,
        connections: Int,
        connected: Int,
        connectFailures: Int,
        outstanding: Int,
        rate: Double? = nil,
        seconds: Double,
        counters: LoadCounters,
        messagesPerSecond: Double,
        latencyMicroseconds: LatencySummary,
        firstError: String? = nil,
        admin: AdminPagingReport? = nil,
        server: ServerCost? = nil
    ) {
        self.target = target
        self.act = act
        self.connections = connections
        self.connected = connected
        self.connectFailures = connectFailures
        self.outstanding = outstanding
        self.rate = rate
        self.seconds = seconds
        self.counters = counters
        self.messagesPerSecond = messagesPerSecond
        self.latencyMicroseconds = latencyMicroseconds
        self.firstError = firstError
        self.admin = admin
        self.server = server
    }
}

/// What a load run cost the server process, from /proc.
public struct ServerCost: Codable, Sendable {
    public var pid: Int32
    /// User plus system CPU time from the start to the end of sending and draining.
    public var cpuSeconds: Double
    public var cpuMicrosecondsPerReply: Double
    public var residentKiBAfter: Int

    public init(pid: Int32, cpuSeconds: Double, cpuMicrosecondsPerReply: Double, residentKiBAfter: Int) {
        self.pid = pid
        self.cpuSeconds = cpuSeconds
        self.cpuMicrosecondsPerReply = cpuMicrosecondsPerReply
        self.residentKiBAfter = residentKiBAfter
    }
}
