import NIOCore

/// Forwarded acts in the multi handle that have no connection yet: queued behind the lane's
/// share of `upstream-max-connections`, or still connecting. Confined to the loop thread.
///
/// libcurl counts a queued transfer's wait against its CURLOPT_TIMEOUT_MS, but before 8.8 checks
/// that timeout only once the transfer has a connection (curl/curl#13276): one queued behind
/// slower requests to the same host would outlive its own timeout. The loop expires those itself.
final class CurlConnectionWaits {
    struct Wait {
        let easy: UnsafeMutableRawPointer
        let transfer: CurlTransfer
        let deadline: ContinuousClock.Instant
    }

    /// Transfers added and not yet connected, expired or finished.
    private(set) var count = 0
    /// By timeout: transfers with one timeout are added in time order, so the first of each queue
    /// is the next to expire. One that stopped waiting leaves when it reaches the front, or in a
    /// sweep once such ones outnumber the waiting ones. An emptied queue stays for the next
    /// transfer with its timeout.
    private var queues: [Duration: CircularBuffer<Wait>] = [:]
    private var entries = 0

    func add(_ transfer: CurlTransfer, easy: UnsafeMutableRawPointer, now: ContinuousClock.Instant) {
        let timeout = transfer.configuration.timeout
        transfer.isWaitingForConnection = true
        count += 1
        entries += 1
        queues[timeout, default: []].append(Wait(easy: easy, transfer: transfer, deadline: now + timeout))
    }

    /// When it gets its connection, or ends without one.
    func stopWaiting(_ transfer: CurlTransfer) {
        guard transfer.isWaitingForConnection else { return }
        transfer.isWaitingForConnection = false
        count -= 1
    }

    /// Those whose whole timeout has passed without a connection; they no longer count.
    func removeExpired(now: ContinuousClock.Instant) -> [Wait] {
        var expired: [Wait] = []
        for index in queues.values.indices {
            while let first = queues.values[index].first,
                !first.transfer.isWaitingForConnection || first.deadline <= now
            {
                queues.values[index].removeFirst()
                entries -= 1
                if first.transfer.isWaitingForConnection {
                    stopWaiting(first.transfer)
                    expired.append(first)
                }
            }
        }
        if entries > 2 * count + 64 {
            for index in queues.values.indices {
                queues.values[index].removeAll { !$0.transfer.isWaitingForConnection }
            }
            entries = count
        }
        return expired
    }

    /// When `removeExpired` next has something to return, if anything waits.
    var nextDeadline: ContinuousClock.Instant? {
        queues.values.lazy.compactMap { $0.first?.deadline }.min()
    }
}
