import Foundation
import GatewayCore
import NIOConcurrencyHelpers
import SettingsText

/// The last 15 minutes of the gateway's figures at 1-second resolution, for the console's
/// charts: one sample an interval, fed by `HistorySampler`.
final class MetricsHistory: Sendable {
    static let interval = Duration.seconds(1)
    static let capacity = 900

    private struct State {
        var samples: Ring<HistorySample>
        var latest: MetricsReading?
        var latestAt: Date?
    }

    private let state: NIOLockedValueBox<State>

    init(capacity: Int = MetricsHistory.capacity) {
        self.state = NIOLockedValueBox(State(samples: Ring(capacity: capacity)))
    }

    /// Adds the interval since the previous reading; the first reading only sets the baseline.
    func record(_ reading: MetricsReading, at time: Date) {
        self.state.withLockedValue { state in
            if let previous = state.latest {
                state.samples.append(HistorySample(from: previous, to: reading))
            }
            state.latest = reading
            state.latestAt = time
        }
    }

    var json: HistoryJSON {
        self.state.withLockedValue { state in
            HistoryJSON(samples: state.samples.elements, latest: state.latest ?? MetricsReading(), at: state.latestAt)
        }
    }
}

/// `GET /history`: one array per figure, oldest first, the last taken at `end` (absent before
/// the first reading).
struct HistoryJSON: Encodable {
    let intervalSeconds: Int
    let end: String?
    let connectionsOpen: [Int]
    let packetsIn: [Int]
    let packetsOut: [Int]
    let forwarded: [Int]
    let upstreamP50Ms: [Double?]
    let upstreamP99Ms: [Double?]
    let errors: [String: [Int]]
    let connectionsAccepted: Int
    let connectionsClosed: [String: Int]

    init(samples: [HistorySample], latest: MetricsReading, at time: Date?) {
        self.intervalSeconds = Int(MetricsHistory.interval.components.seconds)
        self.end = time.map(UTCTimestamp.string)
        self.connectionsOpen = samples.map(\.connectionsOpen)
        self.packetsIn = samples.map(\.packetsIn)
        self.packetsOut = samples.map(\.packetsOut)
        self.forwarded = samples.map(\.forwarded)
        self.upstreamP50Ms = samples.map { $0.upstreamP50Ms.map(Self.tenthOfMillisecond) }
        self.upstreamP99Ms = samples.map { $0.upstreamP99Ms.map(Self.tenthOfMillisecond) }
        self.errors = Dictionary(
            uniqueKeysWithValues: MetricsReading.ErrorKind.allCases.map { kind in
                (kind.rawValue, samples.map { $0.errors[kind, default: 0] })
            }
        )
        self.connectionsAccepted = Int(latest.connectionsAccepted)
        self.connectionsClosed = latest.connectionsClosed.mapValues { Int($0) }
    }

    private static func tenthOfMillisecond(_ milliseconds: Double) -> Double {
        (milliseconds * 10).rounded() / 10
    }
}
