import CoreMetrics
import GatewayCore
import NIOCore

/// How a routed command ended, as counted in `gtcp_cluster_commands_total{outcome}`.
enum CommandOutcome: String, CaseIterable, Sendable {
    /// The owning node answered, whatever its answer.
    case answered
    case unanswered
    case databaseError = "database_error"

    init(_ result: Result<ClusterReply, CommandFailure>) {
        switch result {
        case .success, .failure(.unexpected): self = .answered
        case .failure(.unanswered): self = .unanswered
        case .failure(.database): self = .databaseError
        }
    }
}

/// The command bus's metrics, made once with the factory the composition root chooses.
struct CommandMetrics: Sendable {
    let commands: [CommandOutcome: Counter]
    let duration: Timer

    init(factory: any MetricsFactory) {
        commands = Dictionary(label: "gtcp_cluster_commands_total", dimension: "outcome", factory: factory)
        duration = Timer(label: "gtcp_cluster_command_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
    }

    func record(_ result: Result<ClusterReply, CommandFailure>, duration: Duration) {
        commands[CommandOutcome(result)]?.increment()
        self.duration.recordNanoseconds(TimeAmount(duration).nanoseconds)
    }
}
