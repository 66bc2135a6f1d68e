import NIOCore

/// The life of one client connection and the flow control of its packets, as a value with no I/O.
///
/// Packets are processed one at a time in arrival order. While the connection may not take more
/// work (its in-flight cap is reached, it waits for a gateway-wide slot, its output is not
/// writable, or the backend has not admitted it yet), packets already read wait in a backlog and the socket is not read: TCP pushes
/// back on the client and nothing is dropped.
struct ConnectionStateMachine<Packet, Parked> {
    enum Lifecycle: Equatable {
        case open
        /// `doexit` was sent; the client is expected to close.
        case exiting
        case closed
    }

    enum DoexitAction: Equatable {
        case sendDoexit
        case alreadyExiting
        case alreadyClosed
    }

    enum OutputAction: Equatable {
        case none
        /// More output waits for the client than the cap allows: it is not reading.
        case closeSlowReader
    }

    private(set) var lifecycle: Lifecycle = .open
    private(set) var inFlight = 0
    private let maxInFlight: Int
    private let maxOutboundBytes: Int
    private var parked: Parked?
    private var writable = true
    /// Grows on demand: most connections never backlog, and 16 empty slots cost every idle
    /// connection about 400 bytes.
    private var backlog = CircularBuffer<Packet>(initialCapacity: 1)
    /// The pipeline asked to read while packets could not be taken.
    private var readHeld = false
    /// The backend has not admitted the connection yet (connect hook).
    private var awaitingAdmission = false

    init(maxInFlight: Int, maxOutboundBytes: Int) {
        precondition(maxInFlight > 0 && maxOutboundBytes > 0)
        self.maxInFlight = maxInFlight
        self.maxOutboundBytes = maxOutboundBytes
    }

    private var canProcess: Bool {
        lifecycle != .closed && !awaitingAdmission && inFlight < maxInFlight && parked == nil && writable
    }

    var isClosing: Bool { lifecycle != .open }

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
        guard canProcess, !backlog.isEmpty else { return nil }
        return backlog.removeFirst()
    }

    /// Whether a read the pipeline asks for goes to the socket now.
    mutating func readRequested() -> Bool {
        if canProcess && backlog.isEmpty {
            return true
        }
        readHeld = true
        return false
    }

    /// Whether a read held back earlier should go to the socket now.
    mutating func releaseHeldRead() -> Bool {
        guard readHeld, canProcess, backlog.isEmpty else { return false }
        readHeld = false
        return true
    }

    mutating func requestStarted() {
        inFlight += 1
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
    func outputPending(_ bytes: Int) -> OutputAction {
        lifecycle != .closed && bytes > maxOutboundBytes ? .closeSlowReader : .none
    }

    /// Until `admitted()`, packets wait unread, as at any other limit.
    mutating func admissionRequested() {
        awaitingAdmission = true
    }

    mutating func admitted() {
        awaitingAdmission = false
    }

    mutating func doexitRequested() -> DoexitAction {
        switch lifecycle {
        case .open:
            lifecycle = .exiting
            return .sendDoexit
        case .exiting:
            return .alreadyExiting
        case .closed:
            return .alreadyClosed
        }
    }

    /// The channel closed; backlogged packets are dropped with it.
    mutating func closed() {
        lifecycle = .closed
        backlog.removeAll()
    }
}
