import GtcpWire
import NIOCore
import NIOPosix

/// Opens many heartbeating connections, holds them, and reports what they cost the server.
public struct IdleRunner: Sendable {
    private let configuration: IdleConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let progress: ProgressLine?

    public init(configuration: IdleConfiguration, group: MultiThreadedEventLoopGroup = .singleton, progress: ProgressLine? = nil) {
        self.configuration = configuration
        self.group = group
        self.progress = progress
    }

    public func run() async throws -> IdleReport {
        let configuration = self.configuration
        let loops = Array(group.makeIterator())
        let heartbeat = try LoadRunner.encode(Msg(act: "heartbeat"), framing: configuration.framing)
        let interval = TimeAmount(configuration.heartbeatInterval)
        let connector = try Connector(
            target: configuration.target,
            sourceAddresses: configuration.sourceAddresses,
            connectTimeout: configuration.connectTimeout,
            tls: configuration.tls
        )
        let pid = configuration.serverPID
        let before = try pid.map(ProcessSample.read)
        let idleLoops = loops.map { NIOLoopBoundBox.makeBoxSendingValue(IdleLoop(), eventLoop: $0) }

        progress?.show("opening \(configuration.connections) idle connections to \(configuration.target)")
        let connected = await Connector.connectAll(count: configuration.connections, loops: loops) { index, eventLoop in
            let idleLoop = idleLoops[loops.firstIndex { $0 === eventLoop }!]
            return try await connector.connect(index: index, on: eventLoop) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(GtcpFrameDecoder(framing: configuration.framing)),
                        IdleConnectionHandler(loop: idleLoop.value, heartbeat: heartbeat, interval: interval)
                    )
                }
            }
        }
        let afterConnecting = try pid.map(ProcessSample.read)

        let holdStart = NIODeadline.now()
        let holdEnd = holdStart + TimeAmount(configuration.hold)
        while NIODeadline.now() < holdEnd {
            let left = holdEnd - NIODeadline.now()
            try await Task.sleep(for: .nanoseconds(min(left, .seconds(1)).nanoseconds))
            if let progress {
                let closed = await Self.counts(idleLoops).closedByServer
                progress.show(
                    "holding \(connected.channels.count - closed) connections, "
                        + "\(Int(Double((NIODeadline.now() - holdStart).nanoseconds) / 1e9))s of \(configuration.hold.seconds)s"
                )
            }
        }
        let afterHolding = try pid.map(ProcessSample.read)
        let heldSeconds = Double((NIODeadline.now() - holdStart).nanoseconds) / 1e9

        for idleLoop in idleLoops {
            try? await idleLoop.eventLoop.submit { idleLoop.value.isClosing = true }.get()
        }
        let counts = await Self.counts(idleLoops)
        try? await EventLoopFuture.andAllComplete(connected.channels.map { $0.close() }, on: group.any()).get()
        progress?.clear()

        let opened = connected.channels.count
        let cost = pid.flatMap { pid -> IdleServerCost? in
            guard let before, let afterConnecting, let afterHolding else { return nil }
            return IdleServerCost(
                pid: pid,
                before: before,
                afterConnecting: afterConnecting,
                afterHolding: afterHolding,
                residentBytesPerConnection: opened > 0
                    ? Double(afterHolding.residentKiB - before.residentKiB) * 1024 / Double(opened) : 0,
                cpuPercentOfOneCore: heldSeconds > 0
                    ? (afterHolding.cpuSeconds - afterConnecting.cpuSeconds) / heldSeconds * 100 : 0
            )
        }
        return IdleReport(
            target: configuration.target.description,
            connections: configuration.connections,
            opened: opened,
            connectFailures: connected.failures,
            closedByServer: counts.closedByServer,
            heartbeatIntervalSeconds: configuration.heartbeatInterval.seconds,
            holdSeconds: heldSeconds,
            heartbeatsSent: counts.heartbeatsSent,
            messagesReceived: counts.messagesReceived,
            fileDescriptorLimit: configuration.fileDescriptorLimit,
            server: cost,
            firstError: connected.firstFailure ?? counts.firstError
        )
    }

    private static func counts(_ idleLoops: [NIOLoopBoundBox<IdleLoop>]) async -> IdleCounts {
        var total = IdleCounts()
        for idleLoop in idleLoops {
            if let part = try? await idleLoop.eventLoop.submit({ idleLoop.value.counts }).get() {
                total = total + part
            }
        }
        return total
    }
}
