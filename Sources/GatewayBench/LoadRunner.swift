import GtcpWire
import Histogram
import NIOCore
import NIOPosix

/// Runs a round-trip load against a gtcp server and reports throughput, latency and errors.
public struct LoadRunner: Sendable {
    private let configuration: LoadConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let progress: ProgressLine?

    public init(configuration: LoadConfiguration, group: MultiThreadedEventLoopGroup = .singleton, progress: ProgressLine? = nil) {
        self.configuration = configuration
        self.group = group
        self.progress = progress
    }

    public func run() async throws -> LoadReport {
        let configuration = self.configuration
        let loops = Array(group.makeIterator())
        let request = try Self.encode(Msg(act: configuration.act, data: configuration.data), framing: configuration.framing)
        let classifier = ReplyClassifier(expectedAct: configuration.act)
        let connector = try Connector(
            target: configuration.target,
            sourceAddresses: configuration.sourceAddresses,
            connectTimeout: configuration.connectTimeout,
            tls: configuration.tls
        )
        let loopsFinished = loops.map { $0.makePromise(of: Void.self) }
        let loads = zip(loops, loopsFinished).map { eventLoop, finished in
            NIOLoopBoundBox.makeBoxSendingValue(LoopLoad(eventLoop: eventLoop, allFinished: finished), eventLoop: eventLoop)
        }

        progress?.show("connecting \(configuration.connections) connections to \(configuration.target)")
        let connected = await Connector.connectAll(count: configuration.connections, loops: loops) { index, eventLoop in
            let load = loads[loops.firstIndex { $0 === eventLoop }!]
            return try await connector.connect(index: index, on: eventLoop) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        LoadConnectionHandler(
                            load: load.value,
                            request: request,
                            framing: configuration.framing,
                            classifier: classifier,
                            outstandingLimit: configuration.outstanding,
                            budget: configuration.budget(ofConnection: index)
                        )
                    )
                }
            }
        }

        let pager = configuration.adminPaging.map { adminPaging in
            Task { await AdminPager(configuration: adminPaging, group: group).run() }
        }
        let serverBefore = try configuration.serverPID.map(ProcessSample.read)
        let start = NIODeadline.now()
        let connectedCount = connected.channels.count
        for (eventLoop, load) in zip(loops, loads) {
            // Each loop offers its share of the rate, by the connections it holds.
            try await eventLoop.submit {
                let rate = configuration.rate.map { rate in
                    rate * Double(connected.channels.count { $0.eventLoop === eventLoop }) / Double(max(connectedCount, 1))
                }
                load.value.start(at: start, duration: TimeAmount(configuration.duration), rate: rate)
            }.get()
        }

        let progressTask = progress.map { progress in
            Task { await Self.reportProgress(to: progress, loads: loads, start: start) }
        }
        let allFinished = EventLoopFuture.andAllComplete(loopsFinished.map(\.futureResult), on: group.any())
        let endBy = start + TimeAmount(configuration.duration + configuration.drainTimeout)
        await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try? await allFinished.get()
                return true
            }
            tasks.addTask {
                try? await Task.sleep(for: Duration.nanoseconds((endBy - .now()).nanoseconds))
                return false
            }
            if await tasks.next() == false {
                for (eventLoop, load) in zip(loops, loads) {
                    try? await eventLoop.submit { load.value.abandon() }.get()
                }
            }
            tasks.cancelAll()
        }
        let serverAfter = try configuration.serverPID.map(ProcessSample.read)
        progressTask?.cancel()
        await progressTask?.value
        pager?.cancel()
        let adminReport = await pager?.value

        var summaries: [LoopSummary] = []
        for (eventLoop, load) in zip(loops, loads) {
            summaries.append(try await eventLoop.submit {
                load.value.stop()
                return load.value.summary()
            }.get())
        }
        try? await EventLoopFuture.andAllComplete(connected.channels.map { $0.close() }, on: group.any()).get()
        progress?.clear()

        var counters = LoadCounters()
        var latency = LatencyHistogram.make()
        for summary in summaries {
            counters = counters + summary.counters
            latency.add(summary.latency)
        }
        let lastReply = summaries.map(\.lastReplyAt).max() ?? 0
        let seconds = lastReply > start.uptimeNanoseconds ? Double(lastReply - start.uptimeNanoseconds) / 1e9 : 0
        var server: ServerCost?
        if let pid = configuration.serverPID, let serverBefore, let serverAfter {
            let cpu = serverAfter.cpuSeconds - serverBefore.cpuSeconds
            server = ServerCost(
                pid: pid,
                cpuSeconds: cpu,
                cpuMicrosecondsPerReply: counters.replies > 0 ? cpu * 1e6 / Double(counters.replies) : 0,
                residentKiBAfter: serverAfter.residentKiB
            )
        }
        return LoadReport(
            target: configuration.target.description,
            act: configuration.act,
            connections: configuration.connections,
            connected: connectedCount,
            connectFailures: connected.failures,
            outstanding: configuration.outstanding,
            rate: configuration.rate,
            seconds: seconds,
            counters: counters,
            messagesPerSecond: seconds > 0 ? Double(counters.replies) / seconds : 0,
            latencyMicroseconds: LatencySummary(nanoseconds: latency),
            firstError: connected.firstFailure ?? summaries.lazy.compactMap(\.firstError).first,
            admin: adminReport,
            server: server
        )
    }

    static func encode(_ msg: Msg, framing: GtcpFraming) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try GtcpMsgEncoder(framing: framing).encode(data: msg, out: &buffer)
        return buffer
    }

    private static func reportProgress(to progress: ProgressLine, loads: [NIOLoopBoundBox<LoopLoad>], start: NIODeadline) async {
        var previous = LoadCounters()
        var previousAt = start
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            var counters = LoadCounters()
            for load in loads {
                if let part = try? await load.eventLoop.submit({ load.value.counters }).get() {
                    counters = counters + part
                }
            }
            let now = NIODeadline.now()
            let rate = Double(counters.replies - previous.replies) / (Double((now - previousAt).nanoseconds) / 1e9)
            progress.show(
                String(format: "%5.1fs  sent %d  replies %d  errors %d  %.0f msg/s",
                    Double((now - start).nanoseconds) / 1e9, counters.sent, counters.replies, counters.errors, rate)
            )
            previous = counters
            previousAt = now
        }
    }
}
