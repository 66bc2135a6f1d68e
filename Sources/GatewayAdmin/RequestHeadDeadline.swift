import NIOCore

/// Whether an admin connection is in the middle of sending a request head, and until when it
/// may be: from the first byte of a request to its complete head. A connection that sends
/// nothing is left to the idle timeout; one that trickles a head (slowloris) is closed here.
struct RequestHeadDeadline {
    enum Action: Equatable {
        case none
        case startTimer(NIODeadline)
        case cancelTimer
        case close
    }

    private enum State: Equatable {
        case awaitingRequest
        case readingHead
        case readingRequest
        /// The request was read; bytes arriving meanwhile begin the next one.
        case responding(nextRequestStarted: Bool)
    }

    private let timeout: TimeAmount
    private var state = State.awaitingRequest

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    mutating func bytesArrived(at now: NIODeadline) -> Action {
        switch state {
        case .awaitingRequest:
            state = .readingHead
            return .startTimer(now + timeout)
        case .responding(nextRequestStarted: false):
            state = .responding(nextRequestStarted: true)
            return .none
        case .readingHead, .readingRequest, .responding(nextRequestStarted: true):
            return .none
        }
    }

    mutating func headRead() -> Action {
        state = .readingRequest
        return .cancelTimer
    }

    mutating func requestRead() {
        if state == .readingRequest {
            state = .responding(nextRequestStarted: false)
        }
    }

    mutating func responseWritten(at now: NIODeadline) -> Action {
        switch state {
        case .responding(nextRequestStarted: true):
            state = .readingHead
            return .startTimer(now + timeout)
        case .responding(nextRequestStarted: false):
            state = .awaitingRequest
            return .none
        case .awaitingRequest, .readingHead, .readingRequest:
            return .none
        }
    }

    func timerFired() -> Action {
        state == .readingHead ? .close : .none
    }
}
