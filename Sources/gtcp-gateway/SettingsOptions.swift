import ArgumentParser
import GatewayService

/// One flag per setting key; names and help come from the key table in GatewayService.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("YAML or JSON settings file", valueName: "file"))
    var configFile: String?

    @Option(name: .customLong(K.listen.name), help: help(K.listen)) var listen: String?
    @Option(name: .customLong(K.headerSize.name), help: help(K.headerSize)) var headerSize: String?
    @Option(name: .customLong(K.maxDataSize.name), help: help(K.maxDataSize)) var maxDataSize: String?
    @Option(name: .customLong(K.greeting.name), help: help(K.greeting)) var greeting: String?
    @Option(name: .customLong(K.idleTimeout.name), help: help(K.idleTimeout)) var idleTimeout: String?
    @Option(name: .customLong(K.maxConnectionAge.name), help: help(K.maxConnectionAge)) var maxConnectionAge: String?
    @Option(name: .customLong(K.doexitGrace.name), help: help(K.doexitGrace)) var doexitGrace: String?
    @Option(name: .customLong(K.maxConnections.name), help: help(K.maxConnections)) var maxConnections: String?
    @Option(name: .customLong(K.maxInFlightPerConnection.name), help: help(K.maxInFlightPerConnection))
    var maxInFlightPerConnection: String?
    @Option(name: .customLong(K.maxInFlight.name), help: help(K.maxInFlight)) var maxInFlight: String?
    @Option(name: .customLong(K.maxOutboundBytes.name), help: help(K.maxOutboundBytes)) var maxOutboundBytes: String?
    @Option(name: .customLong(K.maxTotalOutboundBytes.name), help: help(K.maxTotalOutboundBytes))
    var maxTotalOutboundBytes: String?
    @Option(name: .customLong(K.maxPartialPacketBytes.name), help: help(K.maxPartialPacketBytes))
    var maxPartialPacketBytes: String?
    @Option(name: .customLong(K.tlsCert.name), help: help(K.tlsCert)) var tlsCert: String?
    @Option(name: .customLong(K.tlsKey.name), help: help(K.tlsKey)) var tlsKey: String?
    @Option(name: .customLong(K.tlsClientCA.name), help: help(K.tlsClientCA)) var tlsClientCA: String?
    @Option(name: .customLong(K.upstream.name), help: help(K.upstream)) var upstream: String?
    @Option(name: .customLong(K.upstreamHeader.name), help: help(K.upstreamHeader)) var upstreamHeader: [String] = []
    @Option(name: .customLong(K.upstreamTimeout.name), help: help(K.upstreamTimeout)) var upstreamTimeout: String?
    @Option(name: .customLong(K.upstreamConnectTimeout.name), help: help(K.upstreamConnectTimeout))
    var upstreamConnectTimeout: String?
    @Option(name: .customLong(K.upstreamThreads.name), help: help(K.upstreamThreads)) var upstreamThreads: String?
    @Option(name: .customLong(K.upstreamMaxConnections.name), help: help(K.upstreamMaxConnections))
    var upstreamMaxConnections: String?
    @Option(name: .customLong(K.upstreamHTTPVersion.name), help: help(K.upstreamHTTPVersion))
    var upstreamHTTPVersion: String?
    @Option(name: .customLong(K.upstreamMaxStreams.name), help: help(K.upstreamMaxStreams)) var upstreamMaxStreams: String?
    @Option(name: .customLong(K.upstreamUnixSocket.name), help: help(K.upstreamUnixSocket)) var upstreamUnixSocket: String?
    @Option(name: .customLong(K.upstreamCAFile.name), help: help(K.upstreamCAFile)) var upstreamCAFile: String?
    @Option(name: .customLong(K.eventsURL.name), help: help(K.eventsURL)) var eventsURL: String?
    @Option(name: .customLong(K.eventsQueueSize.name), help: help(K.eventsQueueSize)) var eventsQueueSize: String?
    @Option(name: .customLong(K.eventsTimeout.name), help: help(K.eventsTimeout)) var eventsTimeout: String?
    @Option(name: .customLong(K.eventsConnectHook.name), help: help(K.eventsConnectHook)) var eventsConnectHook: String?
    @Option(name: .customLong(K.adminListen.name), help: help(K.adminListen)) var adminListen: String?
    @Option(name: .customLong(K.adminTLSCert.name), help: help(K.adminTLSCert)) var adminTLSCert: String?
    @Option(name: .customLong(K.adminTLSKey.name), help: help(K.adminTLSKey)) var adminTLSKey: String?
    @Option(name: .customLong(K.adminTokenFile.name), help: help(K.adminTokenFile)) var adminTokenFile: String?
    @Option(name: .customLong(K.adminHeaderTimeout.name), help: help(K.adminHeaderTimeout))
    var adminHeaderTimeout: String?
    @Option(name: .customLong(K.adminIdleTimeout.name), help: help(K.adminIdleTimeout)) var adminIdleTimeout: String?
    @Option(name: .customLong(K.adminMaxConnections.name), help: help(K.adminMaxConnections))
    var adminMaxConnections: String?
    @Option(name: .customLong(K.clusterDatabaseURL.name), help: help(K.clusterDatabaseURL)) var clusterDatabaseURL: String?
    @Option(name: .customLong(K.clusterPasswordFile.name), help: help(K.clusterPasswordFile)) var clusterPasswordFile: String?
    @Option(name: .customLong(K.nodeName.name), help: help(K.nodeName)) var nodeName: String?
    @Option(name: .customLong(K.clusterLease.name), help: help(K.clusterLease)) var clusterLease: String?
    @Option(name: .customLong(K.shutdownGrace.name), help: help(K.shutdownGrace)) var shutdownGrace: String?
    @Option(name: .customLong(K.logLevel.name), help: help(K.logLevel)) var logLevel: String?
    @Option(name: .customLong(K.logFormat.name), help: help(K.logFormat)) var logFormat: String?
    @Option(name: .customLong(K.portsFile.name), help: help(K.portsFile)) var portsFile: String?

    /// The flags given, as the settings loader's highest-ranking source.
    var commandLine: CommandLineSettings {
        let given: [(String, String?)] = [
            (K.listen.name, listen), (K.headerSize.name, headerSize), (K.maxDataSize.name, maxDataSize),
            (K.greeting.name, greeting), (K.idleTimeout.name, idleTimeout),
            (K.maxConnectionAge.name, maxConnectionAge), (K.doexitGrace.name, doexitGrace),
            (K.maxConnections.name, maxConnections), (K.maxInFlightPerConnection.name, maxInFlightPerConnection),
            (K.maxInFlight.name, maxInFlight), (K.maxOutboundBytes.name, maxOutboundBytes),
            (K.maxTotalOutboundBytes.name, maxTotalOutboundBytes), (K.maxPartialPacketBytes.name, maxPartialPacketBytes),
            (K.tlsCert.name, tlsCert), (K.tlsKey.name, tlsKey),
            (K.tlsClientCA.name, tlsClientCA), (K.upstream.name, upstream),
            (K.upstreamTimeout.name, upstreamTimeout), (K.upstreamConnectTimeout.name, upstreamConnectTimeout),
            (K.upstreamThreads.name, upstreamThreads), (K.upstreamMaxConnections.name, upstreamMaxConnections),
            (K.upstreamHTTPVersion.name, upstreamHTTPVersion), (K.upstreamMaxStreams.name, upstreamMaxStreams),
            (K.upstreamUnixSocket.name, upstreamUnixSocket), (K.upstreamCAFile.name, upstreamCAFile),
            (K.eventsURL.name, eventsURL), (K.eventsQueueSize.name, eventsQueueSize),
            (K.eventsTimeout.name, eventsTimeout), (K.eventsConnectHook.name, eventsConnectHook),
            (K.adminListen.name, adminListen), (K.adminTLSCert.name, adminTLSCert),
            (K.adminTLSKey.name, adminTLSKey), (K.adminTokenFile.name, adminTokenFile),
            (K.adminHeaderTimeout.name, adminHeaderTimeout), (K.adminIdleTimeout.name, adminIdleTimeout),
            (K.adminMaxConnections.name, adminMaxConnections),
            (K.clusterDatabaseURL.name, clusterDatabaseURL), (K.clusterPasswordFile.name, clusterPasswordFile),
            (K.nodeName.name, nodeName), (K.clusterLease.name, clusterLease),
            (K.shutdownGrace.name, shutdownGrace), (K.logLevel.name, logLevel), (K.logFormat.name, logFormat),
            (K.portsFile.name, portsFile),
        ]
        var values: [String: [String]] = [:]
        for case let (name, text?) in given { values[name] = [text] }
        if !upstreamHeader.isEmpty { values[K.upstreamHeader.name] = upstreamHeader }
        return CommandLineSettings(configFile: configFile, values: values)
    }
}

private typealias K = SettingKeys

private func help<Value>(_ key: SettingKey<Value>) -> ArgumentHelp {
    ArgumentHelp(key.help, valueName: key.valueName)
}
