import CoreMetrics
import GatewayCore
import GtcpWire
import Logging
import PostgresNIO
import ServiceLifecycle

/// Why a routed command has no reply from its node.
enum CommandFailure: Error, Equatable {
    /// The node did not answer within the bus's timeout: it died, or its database link is down.
    case unanswered(after: Duration)
    /// The command could not be sent at all.
    case database(String)
    /// The node answered something this command cannot have as an answer: a node of another version.
    case unexpected(ClusterReply)
}

/// Carries admin commands between nodes over PostgreSQL: each node LISTENs on its own channel,
/// a command goes to the owner's channel by NOTIFY and the owner NOTIFYs the reply back to the
/// sender's. Messages too large for NOTIFY wait in the command table, the NOTIFY naming the row.
public actor CommandBus: Service {
    typealias Waiter = CheckedContinuation<Result<ClusterReply, CommandFailure>, Never>

    /// This node's channel.
    nonisolated let channel: String
    private nonisolated let client: PostgresClient
    private nonisolated let registry: ConnectionRegistry
    private nonisolated let logger: Logger
    private nonisolated let metrics: CommandMetrics
    private nonisolated let clock = ContinuousClock()
    private var pending = PendingCommands<Waiter, ContinuousClock.Instant>()
    private var timer: Task<Void, Never>?

    /// The channel a node listens on: one per incarnation, so a restarted node never gets the
    /// commands or replies meant for its previous run.
    static func channel(of node: ClusterNode) -> String { "gtcp_node_\(node.incarnation)" }

    /// Where messages too large for NOTIFY wait for their receiver.
    static let table = "\(ClusterSchema.name).commands"

    /// Stored messages older than this were sent to a node that never read them.
    static let storedMessageLifetime: Duration = .seconds(60)

    /// How long a node has to answer a command, beyond the time a request waits for its client.
    static let timeout: Duration = .seconds(5)

    /// The bus of a joined node; a service of the gateway's group, after the cluster's own.
    public init(cluster: Cluster, metrics factory: any MetricsFactory, logger: Logger) {
        self.client = cluster.client
        self.channel = Self.channel(of: cluster.node)
        self.registry = cluster.registry
        self.metrics = CommandMetrics(factory: factory)
        self.logger = logger
    }

    /// What the admin API routes other nodes' connections' commands through.
    public nonisolated var router: any ClusterCommandRouting { CommandRouter(bus: self) }

    /// Listens until shut down, reconnecting after database outages, and carries out every
    /// command that arrives; also purges stored messages no node took.
    public nonisolated func run() async {
        await cancelWhenGracefulShutdown {
            let (payloads, sink) = AsyncStream.makeStream(of: String.self)
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await self.listen(into: sink)
                    sink.finish()
                }
                group.addTask { await self.purgeUntaken() }
                for await payload in payloads {
                    group.addTask { await self.receive(payload) }
                }
            }
        }
    }

    /// Sends `command` to the node listening on `channel` and waits for its reply.
    func send(_ command: ClusterCommand, to channel: String) async -> Result<ClusterReply, CommandFailure> {
        let started = clock.now
        let limit = Self.timeout + command.ownerWait
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let (correlation, armTimer) = pending.add(waiter, deadline: started + limit)
            if let armTimer { arm(at: armTimer) }
            let message = BusMessage.command(correlation: correlation, origin: self.channel, command: command)
            Task {
                do {
                    try await self.deliver(message, to: channel)
                } catch {
                    self.resolve(correlation, with: .failure(.database(String(reflecting: error))))
                }
            }
        }
        metrics.record(result, duration: clock.now - started)
        return result
    }

    // MARK: Replies and timeouts

    private func resolve(_ correlation: UInt64, with result: Result<ClusterReply, CommandFailure>) {
        pending.answer(correlation)?.resume(returning: result)
    }

    private func arm(at deadline: ContinuousClock.Instant) {
        timer?.cancel()
        timer = Task { [clock] in
            guard (try? await clock.sleep(until: deadline)) != nil else { return }
            self.timerFired()
        }
    }

    private func timerFired() {
        let (expired, armTimer) = pending.expire(now: clock.now)
        for waiter in expired {
            waiter.resume(returning: .failure(.unanswered(after: Self.timeout)))
        }
        if let armTimer { arm(at: armTimer) }
    }

    // MARK: The database side

    private nonisolated func listen(into sink: AsyncStream<String>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        logger.debug("listening for commands", metadata: ["channel": "\(channel)"])
                        for try await notification in notifications {
                            sink.yield(notification.payload)
                        }
                    }
                }
            } catch where !Task.isCancelled {
                logger.warning(
                    "command bus lost its database connection; commands to this node go unanswered until it is back",
                    metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            } catch {}
        }
    }

    private nonisolated func receive(_ payload: String) async {
        do {
            let json: String
            switch try NotifyPayload(payload) {
            case .inline(let text): json = text
            case .stored(let rowID): json = try await take(rowID)
            }
            switch try BusMessage(json: json) {
            case .command(let correlation, let origin, let command):
                let reply = await execute(command)
                try await deliver(.reply(correlation: correlation, reply: reply), to: origin)
            case .reply(let correlation, let reply):
                await resolve(correlation, with: .success(reply))
            }
        } catch {
            logger.warning("dropped a command bus message", metadata: ["error": "\(error)"])
        }
    }

    private nonisolated func deliver(_ message: BusMessage, to channel: String) async throws {
        let json = message.json()
        if NotifyPayload.needsTable(json) {
            try await client.query(
                """
                WITH stored AS (INSERT INTO \(unescaped: Self.table) (body) VALUES (\(json)) RETURNING id)
                SELECT pg_notify(\(channel), '#' || stored.id) FROM stored
                """
            ).drain()
        } else {
            try await client.query("SELECT pg_notify(\(channel), \(json))").drain()
        }
    }

    /// Deletes the stored message as it reads it: each is read once, by its one receiver.
    private nonisolated func take(_ rowID: Int64) async throws -> String {
        let rows = try await client.query("DELETE FROM \(unescaped: Self.table) WHERE id = \(rowID) RETURNING body")
        for try await body in rows.decode(String.self) {
            return body
        }
        throw BusMessageError("command row \(rowID) is gone (purged after \(Self.storedMessageLifetime))")
    }

    private nonisolated func purgeUntaken() async {
        let seconds = Self.storedMessageLifetime.components.seconds
        while (try? await Task.sleep(for: Self.storedMessageLifetime)) != nil {
            do {
                try await client.query(
                    "DELETE FROM \(unescaped: Self.table) WHERE created_at < now() - make_interval(secs => \(seconds))"
                ).drain()
            } catch {
                logger.debug("could not purge old commands", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    // MARK: Carrying out a command on this node

    private nonisolated func execute(_ command: ClusterCommand) async -> ClusterReply {
        switch command {
        case .snapshot(let id):
            .snapshot(await registry.snapshot(of: id))
        case .push(let id, let act, let data):
            ClusterReply(await registry.push(Msg(act: act, data: data), to: id))
        case .request(let id, let act, let data, let replyAct, let timeoutMs):
            ClusterReply(
                await registry.request(
                    Msg(act: act, data: data), to: id, replyAct: replyAct, timeout: .milliseconds(timeoutMs)))
        case .doexit(let id, let data, let graceMs):
            ClusterReply(await registry.doexit(id, data: data, grace: graceMs.map { .milliseconds($0) }))
        case .close(let id):
            ClusterReply(await registry.close(id))
        case .broadcast(let act, let data, let clientName, let remoteAddress):
            .count(
                await registry.broadcast(
                    Msg(act: act, data: data), filter: ConnectionFilter(clientName: clientName, remoteAddress: remoteAddress)))
        case .doexitAll(let data, let graceMs, let clientName, let remoteAddress):
            .count(
                await registry.doexitAll(
                    data: data, grace: graceMs.map { .milliseconds($0) },
                    filter: ConnectionFilter(clientName: clientName, remoteAddress: remoteAddress)))
        }
    }
}

extension PostgresRowSequence {
    /// Reads the rows to the end, which returns the connection to the pool.
    func drain() async throws {
        for try await _ in self {}
    }
}
