import Foundation
import GatewayAdmin
import GatewayCluster
import GatewayCore
import GatewayCurl
import GatewayUpstream
import GtcpWire

/// What the command line gave: the config file and each setting flag given, by key name.
public struct CommandLineSettings: Sendable, Equatable {
    public var configFile: String?
    public var values: [String: [String]]

    public init(configFile: String? = nil, values: [String: [String]] = [:]) {
        self.configFile = configFile
        self.values = values
    }
}

/// Merges the sources of settings, highest first: command line, environment `GTCP_GATEWAY_*`,
/// the config file, the defaults of ``SettingKeys``. Kept by the service so a reload
/// (SIGHUP) reads the file and the token file again with the same flags and environment.
public struct SettingsLoader: Sendable {
    /// The admin token itself; an alternative to `admin-token-file` that keeps it off disk.
    public static let adminTokenVariable = "GTCP_GATEWAY_ADMIN_TOKEN"

    public var commandLine: CommandLineSettings
    public var environment: [String: String]

    public init(commandLine: CommandLineSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.commandLine = commandLine
        self.environment = environment
    }

    /// The effective settings, or every problem found, each on one line.
    public func load() throws(SettingsError) -> GatewaySettings {
        var problems: [String] = []
        var given: [String: GivenValue] = [:]
        var routes = UpstreamRoutes()

        if let path = commandLine.configFile {
            let file = SettingsFile(path: path)
            problems += file.problems
            for (name, texts) in file.values { given[name] = GivenValue(texts: texts, source: .file) }
            routes = file.routes
        }
        let fromEnvironment = environmentValues()
        problems += fromEnvironment.problems
        for (name, texts) in fromEnvironment.values { given[name] = GivenValue(texts: texts, source: .environment) }
        for (name, texts) in commandLine.values {
            precondition(SettingKeys.byName[name] != nil, "command line gave unknown setting \(name)")
            given[name] = GivenValue(texts: texts, source: .commandLine)
        }

        var resolver = Resolver(given: given, routes: routes)
        let settings = resolver.settings(
            environmentToken: environment[Self.adminTokenVariable],
            credentialsDirectory: environment["CREDENTIALS_DIRECTORY"])
        problems += resolver.problems
        guard let settings, problems.isEmpty else { throw SettingsError(problems: problems) }
        return settings
    }

    private func environmentValues() -> (values: [String: [String]], problems: [String]) {
        let byVariable = Dictionary(uniqueKeysWithValues: SettingKeys.all.map { ($0.environmentName, $0) })
        var values: [String: [String]] = [:]
        var problems: [String] = []
        for (variable, text) in environment.sorted(by: { $0.key < $1.key })
        where variable.hasPrefix("GTCP_GATEWAY_") && variable != Self.adminTokenVariable {
            guard let key = byVariable[variable] else {
                let hint = NearestName.to(variable, among: Array(byVariable.keys) + [Self.adminTokenVariable])
                problems.append("unknown environment variable \(variable)" + (hint.map { " (did you mean \($0)?)" } ?? ""))
                continue
            }
            // A list comes one item per line, since header values may hold any other separator.
            values[key.name] = key.isList ? text.split(separator: "\n").map(String.init) : [text]
        }
        return (values, problems)
    }
}

private enum SettingSource: Int, Comparable {
    case file
    case environment
    case commandLine

    static func < (a: SettingSource, b: SettingSource) -> Bool { a.rawValue < b.rawValue }
}

private struct GivenValue {
    var texts: [String]
    var source: SettingSource
}

/// Turns the winning texts into settings, collecting every problem instead of stopping at one.
private struct Resolver {
    let given: [String: GivenValue]
    /// Only a config file holds routes.
    let routes: UpstreamRoutes
    var problems: [String] = []

    init(given: [String: GivenValue], routes: UpstreamRoutes) {
        self.given = given
        self.routes = routes
    }

    /// nil when the key's text is not allowed (the problem is recorded).
    mutating func value<Value>(_ key: SettingKey<Value>) -> Value? {
        guard let texts = given[key.name]?.texts else { return key.defaultValue }
        do {
            return try key.parse(texts)
        } catch {
            problems.append(error.message)
            return nil
        }
    }

    mutating func settings(environmentToken: String?, credentialsDirectory: String?) -> GatewaySettings? {
        typealias K = SettingKeys
        let listen = value(K.listen)
        let framing = framing()
        let greeting = value(K.greeting)
        let idleTimeout = value(K.idleTimeout)
        let maxConnectionAge = value(K.maxConnectionAge)
        let doexitGrace = value(K.doexitGrace)
        let maxConnections = value(K.maxConnections)
        let maxInFlightPerConnection = value(K.maxInFlightPerConnection)
        let maxInFlight = value(K.maxInFlight)
        let maxOutboundBytes = value(K.maxOutboundBytes)
        let maxTotalOutboundBytes = value(K.maxTotalOutboundBytes)
        let maxPartialPacketBytes = value(K.maxPartialPacketBytes)
        let tls = tlsFiles(
            TLSFilesReader(certificateKey: K.tlsCert.name, keyKey: K.tlsKey.name, clientCAKey: K.tlsClientCA.name),
            certificate: value(K.tlsCert), key: value(K.tlsKey), clientCA: value(K.tlsClientCA))
        let upstreamURL = value(K.upstream)
        let upstreamHeaders = value(K.upstreamHeader)
        let upstreamTimeout = value(K.upstreamTimeout)
        let upstreamConnectTimeout = value(K.upstreamConnectTimeout)
        let upstreamThreads = value(K.upstreamThreads)
        let upstreamMaxConnections = value(K.upstreamMaxConnections)
        let upstreamHTTPVersion = value(K.upstreamHTTPVersion)
        let upstreamMaxStreams = value(K.upstreamMaxStreams)
        let upstreamUnixSocket = value(K.upstreamUnixSocket)
        let upstreamCAFile = value(K.upstreamCAFile)
        let eventsURL = value(K.eventsURL)
        let eventsQueueSize = value(K.eventsQueueSize)
        let eventsTimeout = value(K.eventsTimeout)
        let eventsConnectHook = value(K.eventsConnectHook)
        let adminListen = value(K.adminListen)
        let adminTLS = tlsFiles(
            TLSFilesReader(certificateKey: K.adminTLSCert.name, keyKey: K.adminTLSKey.name, clientCAKey: nil),
            certificate: value(K.adminTLSCert), key: value(K.adminTLSKey), clientCA: .some(nil))
        let adminToken = adminToken(environmentToken: environmentToken)
        let adminHeaderTimeout = value(K.adminHeaderTimeout)
        let adminIdleTimeout = value(K.adminIdleTimeout)
        let adminMaxConnections = value(K.adminMaxConnections)
        let cluster = cluster(credentialsDirectory: credentialsDirectory)
        let shutdownGrace = value(K.shutdownGrace)
        let logLevel = value(K.logLevel)
        let logFormat = value(K.logFormat)
        let portsFile = value(K.portsFile)

        if case .some(.some(let address)) = adminListen, adminToken == .some(nil), !address.isLoopback {
            problems.append(
                "admin-listen \(address) is not a loopback address, so it needs a token (admin-token-file or "
                    + "\(SettingsLoader.adminTokenVariable)): without one anyone who reaches it could push to "
                    + "or disconnect every client"
            )
        }

        if let upstreamHTTPVersion, let reason = CurlClient.unsupportedReason(upstreamHTTPVersion) {
            problems.append("\(K.upstreamHTTPVersion.name) \(upstreamHTTPVersion.rawValue) \(reason)")
        }

        if eventsConnectHook == true, case .some(nil) = eventsURL {
            problems.append("events-connect-hook needs events-url: without a receiver no client could be admitted")
        }

        guard let listen, let framing, let greeting, let idleTimeout, let maxConnectionAge, let doexitGrace,
            let maxConnections, let maxInFlightPerConnection, let maxInFlight, let maxOutboundBytes,
            let maxTotalOutboundBytes, let maxPartialPacketBytes, let tls, let upstreamURL,
            let upstreamHeaders, let upstreamTimeout, let upstreamConnectTimeout, let upstreamThreads,
            let upstreamMaxConnections, let upstreamHTTPVersion, let upstreamMaxStreams, let upstreamUnixSocket,
            let upstreamCAFile, let eventsURL,
            let eventsQueueSize, let eventsTimeout, let eventsConnectHook, let adminListen, let adminTLS,
            let adminToken, let adminHeaderTimeout, let adminIdleTimeout, let adminMaxConnections, let cluster,
            let shutdownGrace, let logLevel, let logFormat, let portsFile
        else { return nil }
        let hasUpstream = upstreamURL != nil || !routes.isEmpty

        return GatewaySettings(
            listen: listen, framing: framing, greeting: greeting, idleTimeout: idleTimeout,
            maxConnectionAge: maxConnectionAge, doexitGrace: doexitGrace, maxConnections: maxConnections,
            maxInFlightPerConnection: maxInFlightPerConnection, maxInFlight: maxInFlight,
            maxOutboundBytes: maxOutboundBytes, maxTotalOutboundBytes: maxTotalOutboundBytes,
            maxPartialPacketBytes: maxPartialPacketBytes, tls: tls,
            upstream: hasUpstream
                ? UpstreamConfiguration(
                    urlTemplate: upstreamURL, routes: routes, headers: upstreamHeaders, timeout: upstreamTimeout,
                    connectTimeout: upstreamConnectTimeout, maxResponseBytes: framing.maxDataSize,
                    transport: UpstreamTransport(
                        httpVersion: upstreamHTTPVersion, unixSocketPath: upstreamUnixSocket, caFile: upstreamCAFile))
                : nil,
            upstreamThreads: upstreamThreads,
            upstreamMaxConnections: upstreamMaxConnections,
            upstreamMaxStreams: upstreamMaxStreams,
            events: eventsURL.map {
                EventsConfiguration(url: $0, timeout: eventsTimeout, connectHook: eventsConnectHook, caFile: upstreamCAFile)
            },
            eventsQueueSize: eventsQueueSize,
            adminListen: adminListen, adminTLS: adminTLS, adminToken: adminToken,
            admin: AdminConnectionLimits(
                headerTimeout: adminHeaderTimeout, idleTimeout: adminIdleTimeout, maxConnections: adminMaxConnections),
            cluster: cluster,
            shutdownGrace: shutdownGrace,
            logLevel: logLevel, logFormat: logFormat, portsFile: portsFile
        )
    }

    /// The files are read only when every key's text is allowed; nil when one is not, or a file
    /// is unusable (the problem is recorded).
    private mutating func tlsFiles(
        _ reader: TLSFilesReader, certificate: String??, key: String??, clientCA: String??
    ) -> TLSFiles?? {
        guard let certificate, let key, let clientCA else { return nil }
        do {
            return .some(try reader.read(certificate: certificate, key: key, clientCA: clientCA))
        } catch {
            problems.append(error.message)
            return nil
        }
    }

    /// The largest data size depends on the header size, so the two are checked together.
    private mutating func framing() -> GtcpFraming? {
        guard let headerSize = value(SettingKeys.headerSize), let maxDataSize = value(SettingKeys.maxDataSize)
        else { return nil }
        do {
            return try GtcpFraming(headerSize: headerSize, maxDataSize: maxDataSize)
        } catch {
            problems.append(error.description)
            return nil
        }
    }

    /// Cluster mode is on when a database URL is given; its password comes from
    /// `cluster-password-file`, else from the systemd credential `cluster-password` if any.
    private mutating func cluster(credentialsDirectory: String?) -> ClusterConfiguration?? {
        typealias K = SettingKeys
        guard let url = value(K.clusterDatabaseURL), let passwordFile = value(K.clusterPasswordFile),
            let nodeName = value(K.nodeName), let lease = value(K.clusterLease)
        else { return nil }
        guard let url else {
            if passwordFile != nil {
                problems.append("\(K.clusterPasswordFile.name) needs \(K.clusterDatabaseURL.name)")
                return nil
            }
            return .some(nil)
        }
        var password = passwordFile
        if password == nil, let credentialsDirectory {
            let credential = credentialsDirectory + "/cluster-password"
            if FileManager.default.fileExists(atPath: credential) {
                do {
                    password = try K.clusterPasswordFile.parse([credential])
                } catch {
                    problems.append(error.message)
                    return nil
                }
            }
        }
        let name = nodeName ?? NodeName.hostName
        guard NodeName.isValid(name) else {
            problems.append(
                "\(K.nodeName.name) is not set and the host name \(SettingProblem.quoted(name)) is not a valid node name: "
                    + "set \(K.nodeName.name)")
            return nil
        }
        return .some(ClusterConfiguration(database: url, password: password, nodeName: name, lease: lease))
    }

    /// The token comes from `admin-token-file` or from the variable holding the token itself,
    /// whichever source ranks higher; the file is not read when the variable wins.
    private mutating func adminToken(environmentToken: String?) -> String?? {
        let fileSource = given[SettingKeys.adminTokenFile.name]?.source
        guard let environmentToken, fileSource != SettingSource.commandLine else { return value(SettingKeys.adminTokenFile) }
        if fileSource == SettingSource.environment {
            problems.append(
                "set only one of \(SettingsLoader.adminTokenVariable) and \(SettingKeys.adminTokenFile.environmentName)"
            )
            return nil
        }
        let token = environmentToken.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            problems.append("\(SettingsLoader.adminTokenVariable) is empty")
            return nil
        }
        return .some(token)
    }
}
