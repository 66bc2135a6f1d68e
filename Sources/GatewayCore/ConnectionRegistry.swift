import GtcpWire
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Every live connection, sharded by event loop.
///
/// Each shard is confined to its loop, so the data path never takes a lock: a connection
/// registers and leaves on its own loop, and the admin API hops onto each loop to read or act.
/// An id encodes its shard (`(counter - 1) % shardCount`), so acting on one connection visits one
/// loop, and the node incarnation (``ConnectionIDLayout``), so ids of other nodes are never found.
public final class ConnectionRegistry: Sendable {
    private struct Shard: Sendable {
        let eventLoop: any EventLoop
        let table: NIOLoopBoundBox<ShardTable>
    }

    private struct ShardTable {
        var connections = OrderedIDTable<ConnectionHandler>()
        var issued: UInt64 = 0
    }

    private let shards: [Shard]
    public let incarnation: UInt32
    /// Told of every connection that registers, renames itself or leaves; nil on a single node.
    public let directory: (any ConnectionDirectorySink)?
    private let open = Atomic<Int>(0)
    private let emptyWaiters = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])

    public init(group: any EventLoopGroup, incarnation: UInt32 = 0, directory: (any ConnectionDirectorySink)? = nil) {
        precondition(incarnation <= ConnectionIDLayout.maxIncarnation)
        self.incarnation = incarnation
        self.directory = directory
        self.shards = group.makeIterator().map {
            Shard(eventLoop: $0, table: .makeBoxSendingValue(ShardTable(), eventLoop: $0))
        }
    }

    public var openCount: Int { open.load(ordering: .relaxed) }

    /// Counts a new connection in unless `limit` are open already.
    func reserve(limit: Int) -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit {
            return true
        }
        releaseReservation()
        return false
    }

    func releaseReservation() {
        if open.wrappingSubtract(1, ordering: .relaxed).newValue == 0 {
            let waiters = emptyWaiters.withLockedValue { waiters in
                defer { waiters.removeAll() }
                return waiters
            }
            waiters.forEach { $0.resume() }
        }
    }

    /// Suspends until no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let resumeNow = emptyWaiters.withLockedValue { waiters in
                if openCount == 0 {
                    return true
                }
                waiters.append(continuation)
                return false
            }
            if resumeNow {
                continuation.resume()
            }
        }
    }

    // MARK: The data path, on the connection's own loop

    func register(_ connection: ConnectionHandler, on eventLoop: any EventLoop) -> ConnectionID {
        let index = shardIndex(of: eventLoop)
        let table = shards[index].table
        table.value.issued += 1
        let counter = (table.value.issued - 1) * UInt64(shards.count) + UInt64(index) + 1
        let id = ConnectionIDLayout.id(incarnation: incarnation, counter: counter)
        table.value.connections.append(connection, for: id)
        return id
    }

    func unregister(_ id: ConnectionID) {
        shards[shardIndex(of: id)].table.value.connections.remove(id)
    }

    private func shardIndex(of eventLoop: any EventLoop) -> Int {
        guard let index = shards.firstIndex(where: { $0.eventLoop === eventLoop }) else {
            preconditionFailure("connection on an event loop outside the registry's group")
        }
        return index
    }

    private func shardIndex(of id: ConnectionID) -> Int {
        Int((ConnectionIDLayout.counter(of: id) - 1) % UInt64(shards.count))
    }

    /// Whether `id` was issued by this registry's incarnation (the connection may be gone).
    public func issued(_ id: ConnectionID) -> Bool {
        ConnectionIDLayout.counter(of: id) > 0 && ConnectionIDLayout.incarnation(of: id) == incarnation
    }

    // MARK: The admin side, from any thread

    /// One page in two hops per shard, so each loop spends only moments on it: the first
    /// collects ids (and the total), the second snapshots just the ids the page keeps.
    public func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async -> ConnectionPage {
        precondition(limit > 0)
        var total = 0
        var ids: [ConnectionID] = []
        for shard in shards {
            guard
                let part = try? await shard.eventLoop.submit({
                    Self.pageIDs(of: shard.table.value.connections, after: cursor, limit: limit, filter: filter)
                }).get()
            else { continue }
            total += part.total
            ids += part.ids
        }
        ids.sort()
        let more = ids.count > limit
        ids.removeLast(max(ids.count - limit, 0))

        var connections: [ConnectionSnapshot] = []
        connections.reserveCapacity(ids.count)
        for (index, shard) in shards.enumerated() {
            let mine = ids.filter { shardIndex(of: $0) == index }
            guard !mine.isEmpty else { continue }
            connections += (try? await shard.eventLoop.submit {
                let table = shard.table.value.connections
                let clock = SnapshotClock()
                // A connection that left between the hops is left out.
                return mine.compactMap { table[$0]?.snapshot(clock) }
            }.get()) ?? []
        }
        connections.sort { $0.id < $1.id }
        // The cursor is the last id kept, listed or gone, so the next page starts after it.
        return ConnectionPage(total: total, connections: connections, next: more ? ids.last : nil)
    }

    /// The first `limit` matching ids after `cursor`, and how many match in all. Without a
    /// filter the count is known and the walk starts at the cursor; a filter needs every
    /// connection looked at to count them.
    private static func pageIDs(
        of connections: OrderedIDTable<ConnectionHandler>,
        after cursor: ConnectionID?,
        limit: Int,
        filter: ConnectionFilter
    ) -> (total: Int, ids: [ConnectionID]) {
        var ids: [ConnectionID] = []
        guard !filter.isEmpty else {
            connections.forEach(after: cursor) { id, _ in
                ids.append(id)
                return ids.count <= limit
            }
            return (connections.count, ids)
        }
        var total = 0
        connections.forEach(after: nil) { id, connection in
            guard connection.matches(filter) else { return true }
            total += 1
            if ids.count <= limit, cursor.map({ id > $0 }) ?? true {
                ids.append(id)
            }
            return true
        }
        return (total, ids)
    }

    /// Every live connection as the directory records it, one hop per shard: what a node writes
    /// when it rebuilds its part of the cluster directory.
    public func directoryEntries() async -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        entries.reserveCapacity(openCount)
        for shard in shards {
            entries += (try? await shard.eventLoop.submit {
                var part: [DirectoryEntry] = []
                shard.table.value.connections.forEach(after: nil) { _, connection in
                    part.append(connection.directoryEntry)
                    return true
                }
                return part
            }.get()) ?? []
        }
        return entries
    }

    public func snapshot(of id: ConnectionID) async -> ConnectionSnapshot? {
        await withConnection(id) { $0.snapshot() }
    }

    public func push(_ msg: Msg, to id: ConnectionID) async -> PushOutcome {
        await withConnection(id) { $0.push(msg) } ?? .notFound
    }

    /// Sends `msg` and waits up to `timeout` for the client's next message whose act is `replyAct`.
    public func request(_ msg: Msg, to id: ConnectionID, replyAct: String, timeout: Duration) async -> RequestOutcome {
        guard issued(id) else { return .notFound }
        let shard = shards[shardIndex(of: id)]
        let outcome = try? await shard.eventLoop.flatSubmit {
            let answer = shard.eventLoop.makePromise(of: RequestOutcome.self)
            if let connection = shard.table.value.connections[id] {
                connection.request(msg, replyAct: replyAct, timeout: timeout, answer: answer)
            } else {
                answer.succeed(.notFound)
            }
            return answer.futureResult
        }.get()
        return outcome ?? .notFound
    }

    /// `grace` nil: the `doexit-grace` policy when the doexit is sent, so a reload applies.
    public func doexit(_ id: ConnectionID, data: String, grace: Duration?) async -> PushOutcome {
        await withConnection(id) { $0.doexit(data: data, grace: grace) } ?? .notFound
    }

    public func close(_ id: ConnectionID) async -> PushOutcome {
        await withConnection(id) { $0.close(reason: .adminClose) } ?? .notFound
    }

    /// Encodes `msg` once, on the first matching connection, and hands every other the same
    /// buffer: a write never changes a ByteBuffer, so all the queues hold one copy of the packet.
    public func broadcast(_ msg: Msg, filter: ConnectionFilter) async -> Int {
        await forEachConnection(matching: filter, carrying: nil as ByteBuffer?) { connection, packet in
            if packet == nil {
                // Stays nil when the message is too large for the framing: then none is sent.
                packet = try? connection.encodePacket(msg)
            }
            return packet.map { connection.push(packet: $0) == .sent } ?? false
        }
    }

    public func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter) async -> Int {
        await doexitAll(data: data, grace: grace, filter: filter, cause: .doexit)
    }

    /// `cause` is what the connections' `disconnected` events will give as the reason.
    func doexitAll(data: String, grace: Duration?, filter: ConnectionFilter, cause: DisconnectReason) async -> Int {
        await forEachConnection(matching: filter) { $0.doexit(data: data, grace: grace, cause: cause) == .sent }
    }

    func closeAll(reason: CloseReason) async {
        _ = await forEachConnection(matching: ConnectionFilter()) { $0.close(reason: reason) == .sent }
    }

    /// Closes the connections holding the most of `budget` (`share` reads one connection's part)
    /// until the rest fit under the cap, again while reports take it over meanwhile; then calls
    /// `resume` on every connection, which may have stopped reading while the total was over.
    func shed(
        _ budget: ByteBudget,
        reason: CloseReason,
        share: @escaping @Sendable (ConnectionHandler) -> Int,
        resume: (@Sendable (ConnectionHandler) -> Void)? = nil
    ) {
        Task {
            var closing: [ConnectionID]
            repeat {
                closing = await largestHolders(of: budget, share: share)
                await close(closing, reason: reason)
                budget.sheddingFinished()
            } while budget.excess > 0 && !closing.isEmpty && budget.startShedding()
            // Over the cap with nothing closed, another shedding is under way and resumes after.
            if let resume, budget.excess == 0 || closing.isEmpty {
                _ = await forEachConnection(matching: ConnectionFilter()) { connection in
                    resume(connection)
                    return false
                }
            }
        }
    }

    /// The fewest connections, largest first, whose parts add up to the budget's excess.
    private func largestHolders(
        of budget: ByteBudget, share: @escaping @Sendable (ConnectionHandler) -> Int
    ) async -> [ConnectionID] {
        var holders: [(id: ConnectionID, bytes: Int)] = []
        for shard in shards {
            holders += (try? await shard.eventLoop.submit {
                var holders: [(id: ConnectionID, bytes: Int)] = []
                shard.table.value.connections.forEach(after: nil) { id, connection in
                    let bytes = share(connection)
                    if bytes > 0 {
                        holders.append((id, bytes))
                    }
                    return true
                }
                return holders
            }.get()) ?? []
        }
        holders.sort { $0.bytes > $1.bytes }
        var excess = budget.excess
        var closing: [ConnectionID] = []
        for holder in holders where excess > 0 {
            closing.append(holder.id)
            excess -= holder.bytes
        }
        return closing
    }

    /// One hop per shard.
    private func close(_ ids: [ConnectionID], reason: CloseReason) async {
        for (index, shard) in shards.enumerated() {
            let mine = ids.filter { shardIndex(of: $0) == index }
            guard !mine.isEmpty else { continue }
            try? await shard.eventLoop.submit {
                for id in mine {
                    shard.table.value.connections[id]?.close(reason: reason)
                }
            }.get()
        }
    }

    private func withConnection<Result: Sendable>(
        _ id: ConnectionID,
        _ body: @escaping @Sendable (ConnectionHandler) -> Result
    ) async -> Result? {
        guard issued(id) else { return nil }
        let shard = shards[shardIndex(of: id)]
        return try? await shard.eventLoop.submit {
            shard.table.value.connections[id].map(body)
        }.get()
    }

    /// Runs `body` on every matching connection and counts the calls that returned true.
    private func forEachConnection(
        matching filter: ConnectionFilter,
        _ body: @escaping @Sendable (ConnectionHandler) -> Bool
    ) async -> Int {
        await forEachConnection(matching: filter, carrying: ()) { connection, _ in body(connection) }
    }

    /// As above, with a value each call may change and the next call sees, from shard to shard.
    private func forEachConnection<Carried: Sendable>(
        matching filter: ConnectionFilter,
        carrying initial: Carried,
        _ body: @escaping @Sendable (ConnectionHandler, inout Carried) -> Bool
    ) async -> Int {
        var count = 0
        var carried = initial
        for shard in shards {
            guard
                let (shardCount, shardCarried) = try? await shard.eventLoop.submit({ [carried] in
                    var count = 0
                    var carried = carried
                    shard.table.value.connections.forEach(after: nil) { _, connection in
                        if connection.matches(filter) && body(connection, &carried) {
                            count += 1
                        }
                        return true
                    }
                    return (count, carried)
                }).get()
            else { continue }
            count += shardCount
            carried = shardCarried
        }
        return count
    }
}

extension ConnectionFilter {
    var isEmpty: Bool { clientName == nil && remoteAddress == nil && node == nil }
}
