import GtcpWire
import NIOCore

/// Settings fixed for the life of a listener.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var framing: GtcpFraming
    /// Beyond this many open connections a new client gets an `error` message and is closed.
    public var maxConnections: Int
    /// Forwarded acts one connection may have at the upstream at once; at the cap its socket is
    /// not read until a reply frees a slot.
    public var maxInFlightPerConnection: Int
    /// The same cap across all connections.
    public var maxInFlight: Int
    /// How long a draining gateway waits for clients to close after `doexit`.
    public var shutdownGrace: Duration
    /// A connection with more output than this waiting for the client to read is closed as a
    /// slow reader. Raised to one packet of `framing.maxDataSize` when below it, so that one
    /// large reply never counts against a client that reads.
    public var maxOutboundBytes: Int
    /// Output waiting for all clients together, each connection's queue counted in full (a
    /// broadcast's shared bytes once per connection). Past it the connections with the most
    /// are closed as slow readers until the rest is within it.
    public var maxTotalOutboundBytes: Int
    /// Bytes of packets not complete yet, across all connections. Past it the connections
    /// holding the largest are closed until the rest is within it.
    public var maxPartialPacketBytes: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8999,
        framing: GtcpFraming = .default,
        maxConnections: Int = 100_000,
        maxInFlightPerConnection: Int = 16,
        maxInFlight: Int = 4096,
        shutdownGrace: Duration = .seconds(10),
        maxOutboundBytes: Int = 4 << 20,
        maxTotalOutboundBytes: Int = 1 << 30,
        maxPartialPacketBytes: Int = 256 << 20
    ) {
        self.host = host
        self.port = port
        self.framing = framing
        self.maxConnections = maxConnections
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.maxInFlight = maxInFlight
        self.shutdownGrace = shutdownGrace
        self.maxOutboundBytes = maxOutboundBytes
        self.maxTotalOutboundBytes = maxTotalOutboundBytes
        self.maxPartialPacketBytes = maxPartialPacketBytes
    }

    /// `maxOutboundBytes`, at least one whole packet.
    var outboundByteLimit: Int {
        max(maxOutboundBytes, framing.headerSize + framing.maxDataSize)
    }
}

/// Settings that may change while connections are open (SIGHUP); each connection reads them
/// when it needs them, so a change applies to connections already open.
public struct ConnectionPolicy: Sendable, Equatable {
    /// The `Data` of the reply to `hello`.
    public var greeting: String
    /// A connection with no packet for this long is closed; nil keeps idle connections open.
    public var idleTimeout: Duration?
    /// After this long a connection is sent `doexit`, as the gtcp example server does.
    public var maxConnectionAge: Duration?
    /// How long a client told `doexit` may take to close before the gateway closes it.
    public var doexitGrace: Duration

    public init(
        greeting: String = "Nice to meet you!",
        idleTimeout: Duration? = .seconds(60),
        maxConnectionAge: Duration? = nil,
        doexitGrace: Duration = .seconds(5)
    ) {
        self.greeting = greeting
        self.idleTimeout = idleTimeout
        self.maxConnectionAge = maxConnectionAge
        self.doexitGrace = doexitGrace
    }
}
