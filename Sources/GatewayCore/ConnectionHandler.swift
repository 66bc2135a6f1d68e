import Foundation
import GatewayUpstream
import GtcpWire
import Logging
import NIOCore

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

/// One client connection: answers built-in acts, forwards the rest, keeps replies in order,
/// and holds the connection's figures for the admin API.
///
/// Sits after the frame decoder, so it reads one packet's data at a time, and writes complete
/// packets. All state is confined to the channel's event loop.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let environment: ConnectionEnvironment
    private var encoder: GtcpMsgEncoder
    private let allocator = ByteBufferAllocator()
    private var state: ConnectionStateMachine<ByteBuffer, Msg>
    private var replies = ReplySequencer<ByteBuffer>()
    private var context: ChannelHandlerContext?

    private(set) var id: ConnectionID = 0
    private var remoteAddress = "unknown"
    private var clientName: String?
    private let clientCertificateSubject: String?
    private var connectedAt = Date()
    private var lastActive = NIODeadline.now()
    private var packetsIn: UInt64 = 0
    private var packetsOut: UInt64 = 0
    private var bytesIn: UInt64 = 0
    private var bytesOut: UInt64 = 0
    /// Packets and bytes read since the last read completed, counted into metrics in one go.
    private var unreportedPackets = 0
    private var unreportedBytes = 0
    private var requestsStarted: UInt64 = 0
    private var needsFlush = false
    private var batchingWrites = false
    private var closeReason: CloseReason?
    private var infoLines = LogLineBudget()
    private var queuedOutput = ByteBudgetShare()
    private var partialPacket = ByteBudgetShare()
    /// Over the partial packet budget, holding part of a packet: not read until the shedding ends.
    private var readHeldForBudget = false
    private var idleTimer: Scheduled<Void>?
    private var ageTimer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    /// Why the gateway sent `doexit`, once it has.
    private var exitCause: DisconnectReason?
    private var answerWaiters = AnswerWaiters<AnswerWaiter>(capacity: ConnectionHandler.maxAnswerWaiters)
    /// Made on the first forwarded act: idle connections, the most numerous, never need one.
    private lazy var upstreamAnswers = UpstreamAnswers()

    /// An admin request waiting for the client's answer.
    private struct AnswerWaiter {
        let answer: EventLoopPromise<RequestOutcome>
        let timeout: Scheduled<Void>
    }

    /// Admin requests one connection may have waiting for answers at once.
    static let maxAnswerWaiters = 64

    init(environment: ConnectionEnvironment, clientCertificateSubject: String? = nil) {
        self.environment = environment
        self.clientCertificateSubject = clientCertificateSubject
        self.encoder = GtcpMsgEncoder(framing: environment.framing)
        self.state = ConnectionStateMachine(
            maxInFlight: environment.maxInFlightPerConnection,
            maxOutboundBytes: environment.maxOutboundBytes
        )
    }

    // MARK: Channel events

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
        connectionEnded()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        packetsIn += 1
        unreportedPackets += 1
        unreportedBytes += environment.framing.headerSize + packet.readableBytes
        batchingWrites = true
        if let packet = state.packetArrived(packet) {
            handle(packet, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        batchingWrites = false
        if unreportedPackets > 0 {
            lastActive = .now()
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
        if partialPacket.bytes > 0, environment.partialPacketBudget.excess > 0 {
            readHeldForBudget = true
            return
        }
        if state.readRequested() {
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

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let partial = event as? PartialPacketSize else {
            return context.fireUserInboundEventTriggered(event)
        }
        if partialPacket.update(to: partial.bytes, in: environment.partialPacketBudget) {
            environment.registry.shed(
                environment.partialPacketBudget, reason: .partialPacketBudget, share: { $0.partialPacket.bytes },
                resume: { $0.partialPacketBudgetRecovered() })
        }
    }

    private func partialPacketBudgetRecovered() {
        guard readHeldForBudget, let context else { return }
        readHeldForBudget = false
        read(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? GtcpFramingError {
            // The stream is out of step: tell the client why, then close.
            environment.metrics.framingErrors.increment()
            environment.logger.info("closing [\(remoteAddress)]: \(error)")
            if closeReason == nil {
                closeReason = .framingError
            }
            if let reply = encode(ErrorReply.message(act: "", error: "\(error)")) {
                write(reply, context: context)
                context.flush()
            }
        } else {
            environment.logger.debug("connection error [\(remoteAddress)]: \(error)")
            if closeReason == nil {
                closeReason = .connectionError
            }
        }
        context.close(promise: nil)
    }

    // MARK: Acts

    private func handle(_ packet: ByteBuffer, context: ChannelHandlerContext) {
        let msg: Msg
        do {
            msg = try Msg(decoding: packet)
        } catch {
            environment.metrics.decodeErrors.increment()
            environment.logger.debug("invalid package structure from [\(remoteAddress)]: \("\(error)".logExcerpt())")
            reply(ErrorReply.message(act: "", error: "invalid package structure: \(error)"), context: context)
            return
        }
        // An answer an admin request waits for goes there, and nowhere else.
        if !answerWaiters.isEmpty, let waiter = answerWaiters.take(for: msg.act) {
            waiter.timeout.cancel()
            waiter.answer.succeed(.answered(msg))
            return
        }
        switch msg.act {
        case "hello":
            // Logged as the example server does, but once per name and within the connection's
            // budget of lines: a client repeating or changing its hello must not flood the log.
            if msg.data != clientName {
                environment.events?.hello(id, remoteAddress: remoteAddress, clientName: msg.data)
                logClientCausedInfo("hello message from [\(remoteAddress)]: \(msg.data.logExcerpt())")
                clientName = msg.data
                environment.registry.directory?.upsert(directoryEntry)
            } else {
                environment.logger.debug("hello message from [\(remoteAddress)]: \(msg.data.logExcerpt())")
            }
            // Encoded once per greeting, not per hello.
            guard let packet = environment.policy.helloReply(framing: environment.framing) else {
                environment.logger.debug("reply hello to [\(remoteAddress)] exceeds max data size, not sent")
                return
            }
            reply(packet: packet, context: context)
        case "heartbeat":
            environment.logger.debug("heartbeat from [\(remoteAddress)]")
        default:
            forward(msg, context: context)
        }
    }

    private func forward(_ msg: Msg, context: ChannelHandlerContext) {
        // Checked first: only a valid act name reaches the log and the set of unrouted acts.
        if let problem = ActName.validationError(msg.act) {
            reply(ErrorReply.message(act: msg.act, error: problem), context: context)
            return
        }
        guard environment.upstream?.handles(act: msg.act) == true else {
            if environment.unroutedActs.firstTime(msg.act) {
                environment.logger.warning("no upstream configured for act \(msg.act)")
            }
            reply(ErrorReply.message(act: msg.act, error: "no upstream configured for act \(msg.act)"), context: context)
            return
        }
        guard !state.isClosing else {
            reply(ErrorReply.message(act: msg.act, error: "connection is closing"), context: context)
            return
        }
        state.requestStarted()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let acquired = environment.limiter.tryAcquire {
            { [eventLoop = context.eventLoop] in
                eventLoop.execute { loopBound.value.gatewaySlotGranted() }
            }
        }
        if acquired {
            startRequest(msg, context: context)
        } else {
            state.waitForGatewaySlot(msg)
        }
    }

    private func gatewaySlotGranted() {
        guard let parked = state.gatewaySlotGranted(), let context else {
            environment.limiter.release()
            return
        }
        startRequest(parked, context: context)
        resumeProcessing(context: context)
    }

    private func startRequest(_ msg: Msg, context: ChannelHandlerContext) {
        guard let upstream = environment.upstream else { return }
        requestsStarted += 1
        let sequence = replies.reserve()
        let request = UpstreamRequest(
            act: msg.act,
            data: msg.data,
            connectionID: id,
            remoteAddress: remoteAddress,
            clientName: clientName,
            requestID: "\(environment.bootID)-\(id)-\(requestsStarted)",
            clientCertificateSubject: clientCertificateSubject
        )
        environment.metrics.upstreamInFlight.increment()
        environment.logger.debug("forwarding act \(msg.act) from [\(remoteAddress)] requestId=\(request.requestID)")
        let started = NIODeadline.now()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let answers = upstreamAnswers
        upstream.forward(request) { outcome in
            let answer = UpstreamAnswers.Answer(request: request, sequence: sequence, outcome: outcome, started: started)
            if answers.add(answer) {
                eventLoop.execute { loopBound.value.takeUpstreamAnswers() }
            }
        }
    }

    /// All answers that arrived since the last call, their replies flushed together.
    private func takeUpstreamAnswers() {
        let answers = upstreamAnswers.takeAll()
        batchingWrites = true
        for answer in answers {
            upstreamAnswered(answer.request, sequence: answer.sequence, outcome: answer.outcome, started: answer.started)
        }
        batchingWrites = false
        if let context, state.lifecycle != .closed {
            flushIfNeeded(context: context)
        }
    }

    private func upstreamAnswered(
        _ request: UpstreamRequest,
        sequence: UInt64,
        outcome: UpstreamOutcome,
        started: NIODeadline
    ) {
        environment.limiter.release()
        environment.metrics.upstreamInFlight.decrement()
        environment.metrics.upstreamDuration.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
        state.requestFinished()

        let msg: Msg?
        switch outcome {
        case .reply(let act, let data):
            environment.metrics.upstreamRequests[.reply]?.increment()
            msg = Msg(act: act, data: data)
        case .noReply:
            environment.metrics.upstreamRequests[.noReply]?.increment()
            msg = nil
        case .failed(let status, let error):
            environment.metrics.upstreamRequests[.failed]?.increment()
            environment.logger.warning(
                "upstream failed for act \(request.act) from [\(remoteAddress)] requestId=\(request.requestID): \(error.logExcerpt())"
            )
            msg = ErrorReply.upstreamFailure(act: request.act, status: status, error: error, requestID: request.requestID)
        }
        guard let context, state.lifecycle != .closed else {
            if msg != nil {
                environment.metrics.repliesDropped.increment()
            }
            return
        }
        let encoded = msg.map { msg in
            encode(msg)
                ?? encode(
                    ErrorReply.upstreamFailure(
                        act: request.act,
                        status: nil,
                        error: "upstream response too large",
                        requestID: request.requestID
                    )
                )
        }
        replies.fill(sequence, with: encoded ?? nil) { write($0, context: context) }
        resumeProcessing(context: context)
    }

    /// Processes backlogged packets and reads again once the connection may take more work.
    private func resumeProcessing(context: ChannelHandlerContext) {
        while let packet = state.nextBackloggedPacket() {
            handle(packet, context: context)
        }
        if state.releaseHeldRead() {
            context.read()
        }
    }

    // MARK: Admin operations, called on the connection's loop

    func matches(_ filter: ConnectionFilter) -> Bool {
        if filter.node != nil {
            return false
        }
        if let name = filter.clientName, name != clientName {
            return false
        }
        if let address = filter.remoteAddress, address != remoteAddress {
            return remoteAddress.hasPrefix(address) && remoteAddress.dropFirst(address.utf8.count).first == ":"
        }
        return true
    }

    var directoryEntry: DirectoryEntry {
        DirectoryEntry(
            id: id, remoteAddress: remoteAddress, clientName: clientName,
            clientCertificateSubject: clientCertificateSubject, connectedAt: connectedAt)
    }

    func snapshot(_ clock: SnapshotClock = SnapshotClock()) -> ConnectionSnapshot {
        let idleFor = clock.uptime - lastActive
        return ConnectionSnapshot(
            id: id,
            remoteAddress: remoteAddress,
            clientName: clientName,
            clientCertificateSubject: clientCertificateSubject,
            connectedAt: connectedAt,
            lastActiveAt: clock.wall.addingTimeInterval(-Double(idleFor.nanoseconds) / 1e9),
            packetsIn: packetsIn,
            packetsOut: packetsOut,
            bytesIn: bytesIn,
            bytesOut: bytesOut,
            inFlight: state.inFlight,
            isClosing: state.isClosing,
            node: nil
        )
    }

    /// Sends `msg` now, ahead of replies still waiting for the upstream.
    func push(_ msg: Msg) -> PushOutcome {
        guard context != nil, state.lifecycle == .open else { return .closing }
        do {
            return push(packet: try encodePacket(msg))
        } catch {
            return .tooLarge("\(error)")
        }
    }

    /// Sends an encoded packet now, as `push` does; a broadcast gives every connection the same one.
    func push(packet: ByteBuffer) -> PushOutcome {
        guard let context, state.lifecycle == .open else { return .closing }
        write(packet, context: context)
        flushIfNeeded(context: context)
        // The flush may have found the client too slow and closed it.
        return state.lifecycle == .open ? .sent : .closing
    }

    /// Sends `msg` now, as `push` does, and completes `answer` with the client's next message
    /// whose act is `replyAct`, which is then not handled otherwise.
    func request(_ msg: Msg, replyAct: String, timeout: Duration, answer: EventLoopPromise<RequestOutcome>) {
        guard let context, state.lifecycle == .open else {
            return answer.succeed(.closing)
        }
        let packet: ByteBuffer
        do {
            packet = try encodePacket(msg)
        } catch {
            return answer.succeed(.tooLarge("\(error)"))
        }
        let added = answerWaiters.add(for: replyAct) { serial in
            let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) {
                self.answerTimedOut(serial, act: replyAct)
            }
            return AnswerWaiter(answer: answer, timeout: timeout)
        }
        guard added else {
            return answer.succeed(.tooManyWaiting(limit: Self.maxAnswerWaiters))
        }
        write(packet, context: context)
        flushIfNeeded(context: context)
    }

    /// The waiter goes, so that a late answer is handled as any other message.
    private func answerTimedOut(_ serial: UInt64, act: String) {
        answerWaiters.remove(serial, for: act)?.answer.succeed(.timedOut)
    }

    private func failAnswerWaiters() {
        for waiter in answerWaiters.removeAll() {
            waiter.timeout.cancel()
            waiter.answer.succeed(.connectionClosed)
        }
    }

    /// Sends `doexit` after the replies still owed, and closes the connection if the client has
    /// not after `grace` (nil: the `doexit-grace` policy of the moment). `cause` is what its
    /// `disconnected` event will give as the reason.
    func doexit(data: String, grace: Duration?, cause: DisconnectReason = .doexit) -> PushOutcome {
        guard let context else { return .closing }
        let packet: ByteBuffer
        do {
            packet = try encodePacket(Msg(act: "doexit", data: data))
        } catch {
            return .tooLarge("\(error)")
        }
        switch state.doexitRequested() {
        case .alreadyExiting, .alreadyClosed:
            return .closing
        case .sendDoexit:
            exitCause = cause
            environment.metrics.doexitSent.increment()
            replies.append(packet) { write($0, context: context) }
            flushIfNeeded(context: context)
            guard state.lifecycle != .closed else { return .closing }
            let grace = grace ?? environment.policy.current.doexitGrace
            graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: grace.timeAmount) {
                self.close(reason: .doexitGraceExpired)
            }
            return .sent
        }
    }

    @discardableResult
    func close(reason: CloseReason) -> PushOutcome {
        guard let context, state.lifecycle != .closed else { return .closing }
        if closeReason == nil {
            closeReason = reason
        }
        context.close(promise: nil)
        return .sent
    }

    // MARK: Writing

    private func reply(_ msg: Msg, context: ChannelHandlerContext) {
        guard let packet = encode(msg) else {
            // Only an error text longer than the configured max data size gets here.
            environment.logger.debug("reply \(msg.act.logExcerpt()) to [\(remoteAddress)] exceeds max data size, not sent")
            return
        }
        reply(packet: packet, context: context)
    }

    private func reply(packet: ByteBuffer, context: ChannelHandlerContext) {
        replies.append(packet) { write($0, context: context) }
        flushIfNeeded(context: context)
    }

    private func encode(_ msg: Msg) -> ByteBuffer? {
        try? encodePacket(msg)
    }

    func encodePacket(_ msg: Msg) throws -> ByteBuffer {
        var buffer = allocator.buffer(
            capacity: environment.framing.headerSize + msg.act.utf8.count + msg.data.utf8.count + 32
        )
        try encoder.encode(data: msg, out: &buffer)
        return buffer
    }

    private func write(_ packet: ByteBuffer, context: ChannelHandlerContext) {
        packetsOut += 1
        bytesOut += UInt64(packet.readableBytes)
        environment.metrics.packetsOut.increment()
        environment.metrics.bytesOut.increment(by: Int64(packet.readableBytes))
        context.write(wrapOutboundOut(packet), promise: nil)
        needsFlush = true
    }

    /// Flushes now, or at the end of the current read so that replies to one read go out together.
    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard needsFlush, !batchingWrites else { return }
        needsFlush = false
        context.flush()
        closeIfSlowReader(context: context)
    }

    /// What a flush leaves behind is what the client has not read yet. Below the high-water
    /// mark the channel is writable, which is cheaper to ask than the buffered byte count.
    private func closeIfSlowReader(context: ChannelHandlerContext) {
        guard !context.channel.isWritable,
            let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)
        else { return }
        reportQueuedOutput(pending)
        switch state.outputPending(pending) {
        case .none:
            break
        case .closeSlowReader:
            environment.logger.info(
                "closing [\(remoteAddress)]: \(pending) bytes of output not read (max \(environment.maxOutboundBytes))"
            )
            close(reason: .slowReader)
        }
    }

    /// An info line the client's packets caused, within the connection's budget of lines.
    private func logClientCausedInfo(_ message: @autoclosure () -> String) {
        switch infoLines.take(at: .now()) {
        case .log(let leftOut):
            let note = leftOut > 0 ? " (\(leftOut) lines before left out of the log)" : ""
            environment.logger.info("\(message())\(note)")
        case .leaveOut:
            environment.metrics.logLinesLeftOut.increment()
        }
    }

    /// Output counts against the gateway-wide budget only while the channel is not writable.
    private func reportQueuedOutput(_ bytes: Int) {
        if queuedOutput.update(to: bytes, in: environment.outputBudget) {
            environment.registry.shed(environment.outputBudget, reason: .slowReader, share: { $0.queuedOutput.bytes })
        }
    }

    // MARK: Lifecycle

    private func connectionStarted(context: ChannelHandlerContext) {
        guard id == 0 else { return }
        remoteAddress = context.channel.remoteAddress.map(Self.describe) ?? "unknown"
        connectedAt = Date()
        lastActive = .now()
        id = environment.registry.register(self, on: context.eventLoop)
        environment.registry.directory?.upsert(directoryEntry)
        environment.metrics.connectionsAccepted.increment()
        environment.metrics.connectionsOpen.increment()
        environment.logger.debug("client connected [\(remoteAddress)] id=\(id)")
        announceConnected(context: context)

        let policy = environment.policy.current
        scheduleIdleCheck(in: policy.idleTimeout?.timeAmount ?? Self.idleRecheck, context: context)
        if let age = policy.maxConnectionAge {
            ageTimer = context.eventLoop.assumeIsolated().scheduleTask(in: age.timeAmount) {
                _ = self.doexit(data: "max connection age reached", grace: nil)
            }
        }
    }

    private func connectionEnded() {
        guard id != 0, state.lifecycle != .closed else { return }
        state.closed()
        idleTimer?.cancel()
        ageTimer?.cancel()
        graceTimer?.cancel()
        environment.registry.unregister(id)
        environment.registry.directory?.remove(id)
        reportQueuedOutput(0)
        _ = partialPacket.update(to: 0, in: environment.partialPacketBudget)
        environment.metrics.connectionsOpen.decrement()
        let reason = closeReason ?? .clientClosed
        environment.metrics.connectionsClosed[reason]?.increment()
        failAnswerWaiters()
        environment.events?.disconnected(
            id, remoteAddress: remoteAddress, clientName: clientName,
            reason: DisconnectReason(reason, exitCause: exitCause))
        let leftOut = infoLines.leftOut > 0 ? " (\(infoLines.leftOut) lines left out of the log)" : ""
        if reason == .clientClosed {
            environment.logger.info("client closed [\(remoteAddress)]\(leftOut)")
        } else {
            environment.logger.info("closed [\(remoteAddress)]: \(reason.rawValue.replacingOccurrences(of: "_", with: " "))\(leftOut)")
        }
    }

    /// Queues the `connected` event; with the connect hook on, packets wait unread until the
    /// backend admits the connection, and a refusal closes it with an `error` message.
    private func announceConnected(context: ChannelHandlerContext) {
        guard let events = environment.events else { return }
        guard events.connectHook else {
            events.connected(id, remoteAddress: remoteAddress, admission: nil)
            return
        }
        state.admissionRequested()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        events.connected(id, remoteAddress: remoteAddress) { admission in
            eventLoop.execute { loopBound.value.admissionDecided(admission) }
        }
    }

    private func admissionDecided(_ admission: Admission) {
        guard let context, state.lifecycle != .closed else { return }
        switch admission {
        case .admitted:
            state.admitted()
            resumeProcessing(context: context)
        case .refused(let why):
            environment.logger.info("closing [\(remoteAddress)]: connection refused by the backend: \(why.logExcerpt())")
            if closeReason == nil {
                closeReason = .admissionRefused
            }
            if let reply = encode(ErrorReply.message(act: "", error: "connection refused by the backend: \(why)")) {
                write(reply, context: context)
                context.flush()
            }
            context.close(promise: nil)
        }
    }

    /// How often a connection looks again at an idle timeout that is switched off, so that
    /// switching it on by reload reaches connections already open.
    private static let idleRecheck = TimeAmount.seconds(30)

    private func scheduleIdleCheck(in delay: TimeAmount, context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.idleCheck() }
    }

    private func idleCheck() {
        guard let context, state.lifecycle != .closed else { return }
        guard let timeout = environment.policy.current.idleTimeout else {
            scheduleIdleCheck(in: Self.idleRecheck, context: context)
            return
        }
        let deadline = lastActive + timeout.timeAmount
        let now = NIODeadline.now()
        if deadline <= now {
            environment.logger.debug("idle for \(timeout) [\(remoteAddress)]")
            close(reason: .idleTimeout)
        } else {
            scheduleIdleCheck(in: deadline - now, context: context)
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else {
            return "\(address)"
        }
        if case .v6 = address {
            return "[\(ip)]:\(port)"
        }
        return "\(ip):\(port)"
    }
}
