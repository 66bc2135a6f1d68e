import GatewayUpstream
import GtcpWire
import Logging

/// What every connection of one listener shares: a class, so each connection holds one
/// reference rather than its own copy of some 300 bytes.
final class ConnectionEnvironment: Sendable {
    let framing: GtcpFraming
    let maxInFlightPerConnection: Int
    let maxOutboundBytes: Int
    let policy: LivePolicy
    let upstream: (any Upstream)?
    let registry: ConnectionRegistry
    let limiter: InFlightLimiter
    let metrics: GatewayMetrics
    let logger: Logger
    let unroutedActs: LogOnce
    /// Output queued for clients, and bytes of packets not complete yet, across connections.
    let outputBudget: ByteBudget
    let partialPacketBudget: ByteBudget
    /// Makes request ids unique across restarts of the gateway.
    let bootID: String
    let events: LifecycleEvents?

    init(
        framing: GtcpFraming,
        maxInFlightPerConnection: Int,
        maxOutboundBytes: Int,
        policy: LivePolicy,
        upstream: (any Upstream)?,
        registry: ConnectionRegistry,
        limiter: InFlightLimiter,
        metrics: GatewayMetrics,
        logger: Logger,
        unroutedActs: LogOnce,
        outputBudget: ByteBudget,
        partialPacketBudget: ByteBudget,
        bootID: String,
        events: LifecycleEvents?
    ) {
        self.framing = framing
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.maxOutboundBytes = maxOutboundBytes
        self.policy = policy
        self.upstream = upstream
        self.registry = registry
        self.limiter = limiter
        self.metrics = metrics
        self.logger = logger
        self.unroutedActs = unroutedActs
        self.outputBudget = outputBudget
        self.partialPacketBudget = partialPacketBudget
        self.bootID = bootID
        self.events = events
    }
}
