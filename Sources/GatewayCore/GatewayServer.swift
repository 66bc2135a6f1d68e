import Foundation
import GatewayUpstream
import GtcpWire
import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The gtcp listener as a service: accepts clients until graceful shutdown, then drains them.
///
/// Draining stops accepting, sends `doexit` to every client behind the replies it is still
/// owed, waits up to the shutdown grace for clients to close, and closes the rest.
public final class GatewayServer: Service {
    private let configuration: GatewayConfiguration
    private let environment: ConnectionEnvironment
    private let group: any EventLoopGroup
    private let readiness: GatewayReadiness
    private let logger: Logger
    private let bound: EventLoopPromise<SocketAddress>
    /// nil: plain TCP.
    private let tls: LiveTLSContext?

    public init(
        configuration: GatewayConfiguration,
        policy: LivePolicy,
        upstream: (any Upstream)?,
        registry: ConnectionRegistry,
        readiness: GatewayReadiness,
        metrics: GatewayMetrics,
        group: any EventLoopGroup,
        logger: Logger,
        tls: LiveTLSContext? = nil,
        events: LifecycleEvents? = nil
    ) {
        self.configuration = configuration
        self.group = group
        self.readiness = readiness
        self.logger = logger
        self.tls = tls
        self.bound = group.next().makePromise()
        self.environment = ConnectionEnvironment(
            framing: configuration.framing,
            maxInFlightPerConnection: configuration.maxInFlightPerConnection,
            maxOutboundBytes: configuration.outboundByteLimit,
            policy: policy,
            upstream: upstream,
            registry: registry,
            limiter: InFlightLimiter(limit: configuration.maxInFlight),
            metrics: metrics,
            logger: logger,
            unroutedActs: LogOnce(),
            outputBudget: ByteBudget(limit: configuration.maxTotalOutboundBytes, gauge: metrics.outboundQueuedBytes),
            partialPacketBudget: ByteBudget(
                limit: configuration.maxPartialPacketBytes, gauge: metrics.partialPacketBytes),
            bootID: String(UInt32.random(in: .min ... .max), radix: 16),
            events: events
        )
    }

    /// Forwarded acts waiting for the upstream, across all connections.
    public var inFlightCount: Int { environment.limiter.inUse }

    /// The address the listener is bound to, once it is.
    public var localAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await makeBootstrap().bind(host: configuration.host, port: configuration.port).get()
        } catch {
            let failure = ListenError(host: configuration.host, port: configuration.port, underlying: error)
            bound.fail(failure)
            throw failure
        }
        let address = channel.localAddress!
        logger.info("gtcp listener on \(ConnectionHandler.describe(address))")
        readiness.listenerBound("gtcp", port: address.port ?? 0)
        bound.succeed(address)

        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than asked to drain: close everything at once.
            try? await channel.close()
            await environment.registry.closeAll(reason: .shutdown)
            throw error
        }
        await drain(listener: channel)
    }

    private func drain(listener: any Channel) async {
        readiness.drainingStarted()
        try? await listener.close()
        let registry = environment.registry
        let told = await registry.doexitAll(
            data: "server shutting down", grace: configuration.shutdownGrace, filter: ConnectionFilter(), cause: .shutdown)
        logger.info("draining: told \(told) clients to exit, waiting up to \(configuration.shutdownGrace)")
        let grace = configuration.shutdownGrace
        let allClosed = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await registry.waitUntilEmpty()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if !allClosed {
            logger.info("shutdown grace over, closing \(registry.openCount) connections")
            await registry.closeAll(reason: .shutdown)
            await registry.waitUntilEmpty()
        }
        logger.info("gtcp listener drained")
    }

    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 64, maximum: 65_536)
    /// Failed accepts repeat while descriptors are short; one log line per this long is enough.
    static let acceptErrorReportInterval = TimeAmount.seconds(10)
    /// How long accepting stops after it failed for want of descriptors: short enough that
    /// clients get in soon after descriptors are free, long enough to cost nothing meanwhile.
    static let acceptPause = TimeAmount.milliseconds(250)

    private func makeBootstrap() -> ServerBootstrap {
        let environment = self.environment
        let maxConnections = configuration.maxConnections
        let framing = configuration.framing
        let tls = self.tls
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptErrorHandler(
                            reportInterval: Self.acceptErrorReportInterval,
                            pause: Self.acceptPause,
                            logger: environment.logger,
                            metrics: environment.metrics
                        )
                    )
                }
            }
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            // Each connection keeps its last receive buffer; NIO's default first buffer of 2 KiB
            // would be half of an idle connection's cost, and 64 bytes hold a heartbeat. Busy
            // connections double it on every full read.
            .childChannelOption(.recvAllocator, value: Self.receiveBuffers)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    let addGtcpHandlers = { (pipeline: ChannelPipeline.SynchronousOperations, subject: String?) in
                        try Self.addGtcpHandlers(
                            to: pipeline, environment: environment, maxConnections: maxConnections, framing: framing,
                            clientCertificateSubject: subject)
                    }
                    guard let tls else {
                        try addGtcpHandlers(pipeline, nil)
                        return
                    }
                    try pipeline.addHandler(TLSRecordCheck(logger: environment.logger))
                    // Read for each connection, so a reload's new certificate serves the next one.
                    try pipeline.addHandler(NIOSSLServerHandler(context: tls.current))
                    try pipeline.addHandler(TLSHandshakeHandler(logger: environment.logger, addGtcpHandlers: addGtcpHandlers))
                }
            }
    }

    /// With TLS, after the handshake: a connection over the limit is refused over TLS too.
    private static func addGtcpHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        environment: ConnectionEnvironment,
        maxConnections: Int,
        framing: GtcpFraming,
        clientCertificateSubject: String?
    ) throws {
        guard environment.registry.reserve(limit: maxConnections) else {
            environment.metrics.connectionsRejected.increment()
            try pipeline.addHandler(ConnectionRejectionHandler(framing: framing, maxConnections: maxConnections))
            return
        }
        try pipeline.addHandler(ConnectionHandler(environment: environment, clientCertificateSubject: clientCertificateSubject))
    }
}

public struct ListenError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var underlying: any Error

    public var description: String {
        "cannot listen on \(host):\(port): \(underlying)"
    }
}

/// Tells a client over the connection limit why it is turned away, then closes.
final class ConnectionRejectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var encoder: GtcpMsgEncoder
    private let maxConnections: Int

    init(framing: GtcpFraming, maxConnections: Int) {
        self.encoder = GtcpMsgEncoder(framing: framing)
        self.maxConnections = maxConnections
    }

    /// Added after a TLS handshake, the channel is already active.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            reject(context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        reject(context: context)
    }

    private func reject(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        let msg = ErrorReply.message(act: "", error: "too many connections (max-connections is \(maxConnections))")
        if (try? encoder.encode(data: msg, out: &buffer)) != nil {
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        } else {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
