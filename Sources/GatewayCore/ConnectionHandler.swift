import Foundation
import GtcpWire
import NIOCore

/// One client connection: answers built-in acts, forwards the rest, keeps replies in order,
/// and holds the connection's figures for the admin API.
///
/// Reads the byte stream and splits it into packets itself, and writes complete packets. All
/// state is confined to the channel's event loop. What to do at each event is
/// decided by `ConnectionStateMachine`; this file turns channel events into its events, and its
/// actions into I/O. The other jobs sit beside it: act dispatch (+Acts), forwarding (+Forwarding),
/// admin operations (+Admin), writing (+Writing), start, timers and end (+Lifecycle).
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let environment: ConnectionEnvironment
    var encoder: GtcpMsgEncoder
    let allocator = ByteBufferAllocator()
    var state: ConnectionStateMachine<ByteBuffer, Msg>
    var replies = ReplySequencer<ByteBuffer>()
    var context: ChannelHandlerContext?
    /// Splits the byte stream into packets; nil once a framing error put it out of step, after
    /// which nothing more is read from it. Framing here rather than in a decoder stage spares
    /// every connection that stage's handler, context and buffers, and every packet a hop.
    private var frames: GtcpFrameDecoder?
    /// The start of a packet not complete yet, kept between reads; nil between packets.
    private var partialBytes: ByteBuffer?

    /// 0 until registered.
    var id: ConnectionID = 0
    var remoteAddress = "unknown"
    var clientName: String?
    let clientCertificateSubject: String?
    var connectedAt = Date()
    var packetsIn: UInt64 = 0
    var packetsOut: UInt64 = 0
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    /// Packets and bytes read since the last read completed, counted into metrics in one go.
    private var unreportedPackets = 0
    private var unreportedBytes = 0
    var requestsStarted: UInt64 = 0
    var needsFlush = false
    var batchingWrites = false
    var timers = ConnectionTimers()
    var infoLines = LogLineBudget()
    var queuedOutput = ByteBudgetShare()
    var partialPacket = ByteBudgetShare()
    var answerWaiters = AnswerWaiters<AnswerWaiter>(capacity: ConnectionHandler.maxAnswerWaiters)
    /// Made on the first forwarded act: idle connections, the most numerous, never need one.
    lazy var upstreamAnswers = UpstreamAnswers()

    init(environment: ConnectionEnvironment, clientCertificateSubject: String? = nil) {
        self.environment = environment
        self.clientCertificateSubject = clientCertificateSubject
        self.encoder = GtcpMsgEncoder(framing: environment.framing)
        self.frames = GtcpFrameDecoder(framing: environment.framing)
        self.state = ConnectionStateMachine(
            maxInFlight: environment.maxInFlightPerConnection,
            maxOutboundBytes: environment.maxOutboundBytes
        )
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            connectionStarted(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        failAnswerWaiters()
        environment.registry.releaseReservation()
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if partialBytes != nil {
            // The stream ended inside a packet: the client lost what it sent last.
            environment.logger.debug("connection closed inside a packet [\(remoteAddress)]")
            _ = state.closeRequested(.connectionError)
        }
        connectionEnded()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var frames else { return }
        var bytes = unwrapInboundIn(data)
        if var partial = partialBytes.take() {
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        batchingWrites = true
        do {
            while let packet = try frames.nextPacket(from: &bytes) {
                packetArrived(packet, context: context)
            }
        } catch {
            self.frames = nil
            reportPartialPacket(0)
            errorCaught(context: context, error: error)
            return
        }
        self.frames = frames
        if bytes.readableBytes > 0 {
            // Bytes of packets already taken are given back once they add up, not on every read.
            if bytes.readerIndex >= 2048 {
                bytes.discardReadBytes()
            }
            partialBytes = bytes
        }
        reportPartialPacket(bytes.readableBytes)
    }

    private func packetArrived(_ packet: ByteBuffer, context: ChannelHandlerContext) {
        packetsIn += 1
        unreportedPackets += 1
        unreportedBytes += environment.framing.headerSize + packet.readableBytes
        if let packet = state.packetArrived(packet) {
            handle(packet, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        batchingWrites = false
        if unreportedPackets > 0 {
            state.active(now: context.eventLoop.now)
            bytesIn += UInt64(unreportedBytes)
            environment.metrics.packetsIn.increment(by: Int64(unreportedPackets))
            environment.metrics.bytesIn.increment(by: Int64(unreportedBytes))
            unreportedPackets = 0
            unreportedBytes = 0
        }
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        // Holding part of a packet while the gateway-wide budget for those is spent: not read
        // until the shedding ends.
        let overBudget = partialPacket.bytes > 0 && environment.partialPacketBudget.excess > 0
        if state.readRequested(overPartialPacketBudget: overBudget) {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        state.writabilityChanged(isWritable: context.channel.isWritable)
        if context.channel.isWritable {
            // Below the low-water mark: too little to count against the gateway's budget.
            reportQueuedOutput(0)
            resumeProcessing(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// How many bytes of a packet not complete yet this connection holds, counted against the
    /// gateway-wide budget for those.
    private func reportPartialPacket(_ bytes: Int) {
        if partialPacket.update(to: bytes, in: environment.partialPacketBudget) {
            environment.registry.shed(
                environment.partialPacketBudget, reason: .partialPacketBudget, share: { $0.partialPacket.bytes },
                resume: { $0.partialPacketBudgetRecovered() })
        }
    }

    func partialPacketBudgetRecovered() {
        guard let context, state.partialPacketBudgetRecovered() else { return }
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? GtcpFramingError {
            // The stream is out of step: tell the client why, then close.
            environment.metrics.framingErrors.increment()
            environment.logger.info("closing [\(remoteAddress)]: \(error)")
            perform(state.closeRequested(.framingError, error: "\(error)"), context: context)
        } else {
            environment.logger.debug("connection error [\(remoteAddress)]: \(error)")
            perform(state.closeRequested(.connectionError), context: context)
        }
    }

    /// The one way the gateway closes a connection: the error message first, flushed, when
    /// there is one.
    func perform(_ action: ConnectionStateMachine<ByteBuffer, Msg>.CloseAction, context: ChannelHandlerContext) {
        guard case .close(let error) = action else { return }
        if let error, let packet = encode(ErrorReply.message(act: "", error: error)) {
            write(packet, context: context)
            context.flush()
        }
        context.close(promise: nil)
    }

    /// Processes backlogged packets and reads again once the connection may take more work.
    func resumeProcessing(context: ChannelHandlerContext) {
        while let packet = state.nextBackloggedPacket() {
            handle(packet, context: context)
        }
        if state.releaseHeldRead() {
            context.read()
        }
    }
}
