import NIOCore

/// The life of one client connection and the flow control of its packets, as a value with no
/// I/O: each event returns what the handler should do. Time comes in as `NIODeadline` values
/// read from the channel's event loop, so tests drive it with any clock.
///
/// Lifecycle: open (awaiting the backend's admission first when the connect hook is on), then
/// exiting once `doexit` is sent, closing once the gateway decided to close, closed once the
/// channel is. The first close decision sets the reason the connection ends with.
///
/// Packets are processed one at a time in arrival order. While the connection may not take more
/// work (its in-flight cap is reached, it waits for a gateway-wide slot, its output is not
/// writable, or the backend has not admitted it yet), packets already read wait in a backlog and
/// the socket is not read: TCP pushes back on the client and nothing is dropped.
struct ConnectionStateMachine<Packet, Parked> {
    enum Lifecycle: Equatable {
        case open
        /// `doexit` was sent; the client is expected to close before the grace deadline.
        case exiting
        /// The gateway closes the channel; it has not closed yet.
        case closing
        case closed
    }

    /// What to do about the timers when the connection starts.
    struct Started: Equatable {
        var idleCheck: NIODeadline
        /// When to send `doexit` for `max-connection-age`; nil: never.
        var maxAge: NIODeadline?
    }

    enum CloseAction: Equatable {
        /// Close the channel, after writing and flushing `error` as an `error` message when given.
        case close(error: String?)
        /// Already closing or closed: nothing to do.
        case none
    }

    enum DoexitAction: Equatable {
        /// Send `doexit`, then close unless the client did by `graceDeadline`.
        case sendDoexit(graceDeadline: NIODeadline)
        case alreadyClosing
    }

    enum IdleCheckAction: Equatable {
        case checkAgain(at: NIODeadline)
        case close
        case none
    }

    enum AdmissionAction: Equatable {
        /// Process what waited and read again.
        case resume
        case close(error: String)
        case none
    }

    enum ForwardAction: Equatable {
        /// Count the request in flight and start it (or park it for a gateway-wide slot).
        case start
        /// Answer with this error instead.
        case refuse(String)
    }

    enum OutputAction: Equatable {
        case none
        /// More output waits for the client than the cap allows: it is not reading.
        case closeSlowReader
    }

    enum ClosedAction: Equatable {
        /// Cancel the timers and report the end, for `reason` and with this `disconnected` reason.
        case cleanUp(reason: CloseReason, disconnect: DisconnectReason)
        case none
    }

    /// How often a connection looks again at an idle timeout that is switched off, so that
    /// switching it on by reload reaches connections already open.
    static var idleRecheck: TimeAmount { .seconds(30) }

    private(set) var lifecycle: Lifecycle = .open
    private(set) var inFlight = 0
    /// When a packet last arrived (or the connection started).
    private(set) var lastActive: NIODeadline = .uptimeNanoseconds(0)
    private let maxInFlight: Int
    private let maxOutboundBytes: Int
    private var parked: Parked?
    private var writable = true
    private var backlog = OnDemandQueue<Packet>()
    /// The pipeline asked to read while packets could not be taken.
    private var readHeld = false
    /// The pipeline asked to read while this connection held part of a packet and the
    /// gateway-wide budget for those was spent; only the budget's recovery releases it.
    private var readHeldForBudget = false
    /// The backend has not admitted the connection yet (connect hook).
    private var awaitingAdmission = false
    /// Set by the first close decision; nil when the client closed first.
    private var closeReason: CloseReason?
    /// Why the gateway sent `doexit`, once it has.
    private var exitCause: DisconnectReason?

    init(maxInFlight: Int, maxOutboundBytes: Int) {
        precondition(maxInFlight > 0 && maxOutboundBytes > 0)
        self.maxInFlight = maxInFlight
        self.maxOutboundBytes = maxOutboundBytes
    }

    private var canProcess: Bool {
        lifecycle != .closed && !awaitingAdmission && inFlight < maxInFlight && parked == nil && writable
    }

    var isClosing: Bool { lifecycle != .open }

    // MARK: Lifecycle and timers

    /// The channel is active. With `awaitingAdmission`, packets wait unread until
    /// `admissionDecided`, as at any other limit.
    mutating func started(
        now: NIODeadline, idleTimeout: Duration?, maxAge: Duration?, awaitingAdmission: Bool
    ) -> Started {
        lastActive = now
        self.awaitingAdmission = awaitingAdmission
        return Started(
            idleCheck: now + (idleTimeout.map(TimeAmount.init) ?? Self.idleRecheck),
            maxAge: maxAge.map { now + TimeAmount($0) })
    }

    /// Packets arrived at `now`.
    mutating func active(now: NIODeadline) {
        lastActive = now
    }

    /// The idle timer fired; `idleTimeout` is the policy of the moment (nil: off).
    mutating func idleCheckDue(now: NIODeadline, idleTimeout: Duration?) -> IdleCheckAction {
        guard lifecycle != .closed else { return .none }
        guard let idleTimeout else { return .checkAgain(at: now + Self.idleRecheck) }
        let deadline = lastActive + TimeAmount(idleTimeout)
        if deadline > now {
            return .checkAgain(at: deadline)
        }
        return closeRequested(.idleTimeout) == .none ? .none : .close
    }

    mutating func admissionDecided(_ admission: Admission) -> AdmissionAction {
        guard lifecycle != .closed else { return .none }
        switch admission {
        case .admitted:
            awaitingAdmission = false
            return .resume
        case .refused(let why):
            let error = "connection refused by the backend: \(why)"
            return closeRequested(.admissionRefused, error: error) == .none ? .none : .close(error: error)
        }
    }

    /// `doexit` is to be sent now (admin, max connection age, shutdown); `cause` is what the
    /// `disconnected` event will give as the reason once the connection ends.
    mutating func doexitRequested(cause: DisconnectReason, grace: Duration, now: NIODeadline) -> DoexitAction {
        guard lifecycle == .open else { return .alreadyClosing }
        lifecycle = .exiting
        exitCause = cause
        return .sendDoexit(graceDeadline: now + TimeAmount(grace))
    }

    /// The client did not close within the grace after `doexit`.
    mutating func graceExpired() -> CloseAction {
        guard lifecycle == .exiting else { return .none }
        return closeRequested(.doexitGraceExpired)
    }

    /// The one place a close is decided; the first reason given is the one the connection ends with.
    mutating func closeRequested(_ reason: CloseReason, error: String? = nil) -> CloseAction {
        switch lifecycle {
        case .closing, .closed:
            return .none
        case .open, .exiting:
            lifecycle = .closing
            closeReason = reason
            return .close(error: error)
        }
    }

    /// The channel closed; backlogged packets are dropped with it.
    mutating func closed() -> ClosedAction {
        guard lifecycle != .closed else { return .none }
        lifecycle = .closed
        backlog.removeAll()
        let reason = closeReason ?? .clientClosed
        return .cleanUp(reason: reason, disconnect: DisconnectReason(reason, exitCause: exitCause))
    }

    // MARK: Packets and flow control

    /// Returns the packet when it may be processed now; otherwise it joins the backlog.
    mutating func packetArrived(_ packet: Packet) -> Packet? {
        guard lifecycle != .closed else { return nil }
        if canProcess && backlog.isEmpty {
            return packet
        }
        backlog.append(packet)
        return nil
    }

    /// The next backlogged packet, while packets may be processed.
    mutating func nextBackloggedPacket() -> Packet? {
        guard canProcess else { return nil }
        return backlog.popFirst()
    }

    /// Whether a read the pipeline asks for goes to the socket now. `overPartialPacketBudget`:
    /// this connection holds part of a packet while the gateway-wide budget for those is spent.
    mutating func readRequested(overPartialPacketBudget: Bool = false) -> Bool {
        if overPartialPacketBudget {
            readHeldForBudget = true
            return false
        }
        if canProcess && backlog.isEmpty {
            return true
        }
        readHeld = true
        return false
    }

    /// Whether a read held back earlier should go to the socket now.
    mutating func releaseHeldRead() -> Bool {
        guard readHeld, !readHeldForBudget, canProcess, backlog.isEmpty else { return false }
        readHeld = false
        return true
    }

    /// The partial packet budget has room again: whether the read it held goes to the socket now.
    mutating func partialPacketBudgetRecovered() -> Bool {
        guard readHeldForBudget else { return false }
        readHeldForBudget = false
        return readRequested()
    }

    /// An act is to be forwarded upstream: not once the connection is on its way out.
    mutating func forwardRequested() -> ForwardAction {
        guard lifecycle == .open else { return .refuse("connection is closing") }
        inFlight += 1
        return .start
    }

    mutating func requestFinished() {
        precondition(inFlight > 0)
        inFlight -= 1
    }

    /// The gateway-wide cap is reached: `work` waits until a slot is handed over.
    mutating func waitForGatewaySlot(_ work: Parked) {
        precondition(parked == nil)
        parked = work
    }

    /// A gateway-wide slot was handed over; returns the work that waited for it, or nil when the
    /// connection closed meanwhile (the caller gives the slot back).
    mutating func gatewaySlotGranted() -> Parked? {
        defer { parked = nil }
        return lifecycle == .closed ? nil : parked
    }

    mutating func writabilityChanged(isWritable: Bool) {
        writable = isWritable
    }

    /// `bytes` of output still wait for the client after a flush. Replies are bounded by the
    /// in-flight cap and by not reading while unwritable; pushes and broadcasts are not, so
    /// this cap is what bounds them.
    mutating func outputPending(_ bytes: Int) -> OutputAction {
        guard bytes > maxOutboundBytes, closeRequested(.slowReader) != .none else { return .none }
        return .closeSlowReader
    }
}
