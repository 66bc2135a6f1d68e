import GatewayAdmin
import GatewayCurl
import GatewayCluster
import GatewayUpstream
import GtcpWire
import Logging
import SettingsText

/// The one table of settings: flags, environment variables, the file and `--help` all come from
/// here. Live keys take effect on reload (SIGHUP); the others need a restart.
public enum SettingKeys {
    public static let listen = SettingKey(
        "listen", "host:port", "Address for gtcp clients",
        default: HostPort(host: "127.0.0.1", port: 8999), live: false, .hostPort, current: { $0.listen })

    public static let headerSize = SettingKey(
        "header-size", "bytes", "Bytes in each packet's big-endian length header",
        default: 2, live: false, .integer(1...4), current: { $0.framing.headerSize })

    public static let maxDataSize = SettingKey<Int?>(
        "max-data-size", "bytes", "Largest packet data in bytes; none: the most the header size allows",
        default: nil, live: false, .optionalInteger(0...GtcpFraming.defaultMaxDataSize(headerSize: 4)),
        current: { $0.framing.maxDataSize })

    public static let greeting = SettingKey(
        "greeting", "text", "Data of the reply to a client's hello",
        default: "Nice to meet you!", live: true, .text, current: { $0.greeting })

    public static let idleTimeout = SettingKey(
        "idle-timeout", "duration", "Close a connection that sends nothing for this long",
        default: .seconds(60), live: true, .durationOrOff, current: { $0.idleTimeout })

    public static let maxConnectionAge = SettingKey<Duration?>(
        "max-connection-age", "duration", "Longest a connection may stay open",
        default: nil, live: true, .durationOrOff, current: { $0.maxConnectionAge })

    public static let doexitGrace = SettingKey(
        "doexit-grace", "duration", "After a doexit, close the connection if the client has not within this",
        default: .seconds(5), live: true, .duration, current: { $0.doexitGrace })

    public static let maxConnections = SettingKey(
        "max-connections", "count", "Open connections at most; more are refused",
        default: 100_000, live: false, .integer(1...10_000_000), current: { $0.maxConnections })

    public static let maxInFlightPerConnection = SettingKey(
        "max-in-flight-per-connection", "count", "Upstream requests at once for one connection",
        default: 16, live: false, .integer(1...1024), current: { $0.maxInFlightPerConnection })

    public static let maxInFlight = SettingKey(
        "max-in-flight", "count", "Upstream requests at once for the whole gateway",
        default: 4096, live: false, .integer(1...1_000_000), current: { $0.maxInFlight })

    public static let maxOutboundBytes = SettingKey(
        "max-outbound-bytes", "bytes",
        "Output waiting for one client at most; past it the client is closed as a slow reader",
        default: 4 << 20, live: false, .integer(1...(1 << 40)), current: { $0.maxOutboundBytes })

    public static let maxTotalOutboundBytes = SettingKey(
        "max-total-outbound-bytes", "bytes",
        "Output waiting for all clients at most; past it the clients with the most are closed as slow readers",
        default: 1 << 30, live: false, .integer(1...(1 << 50)), current: { $0.maxTotalOutboundBytes })

    public static let maxPartialPacketBytes = SettingKey(
        "max-partial-packet-bytes", "bytes",
        "Bytes of incomplete packets across all clients at most; past it the clients holding the largest are closed",
        default: 256 << 20, live: false, .integer(1...(1 << 50)), current: { $0.maxPartialPacketBytes })

    public static let tlsCert = SettingKey<String?>(
        "tls-cert", "path", "PEM certificate chain; set with tls-key, clients must connect with TLS",
        default: nil, live: true, .path, current: { $0.tls?.certificatePath })

    public static let tlsKey = SettingKey<String?>(
        "tls-key", "path", "PEM private key of tls-cert",
        default: nil, live: true, .path, current: { $0.tls?.keyPath })

    public static let tlsClientCA = SettingKey<String?>(
        "tls-client-ca", "path", "PEM CA bundle; when set, clients must present a certificate it signed",
        default: nil, live: true, .path, current: { $0.tls?.clientCAPath })

    public static let upstream = SettingKey<String?>(
        "upstream", "url", "HTTP backend each packet is POSTed to, {act} replaced by the packet's Act",
        default: nil, live: true, .upstreamURL, current: { $0.upstream?.urlTemplate })

    public static let upstreamHeader = SettingKey<[UpstreamHeader]>(
        "upstream-header", "header", "Extra header on each upstream request",
        default: [], live: true, .headers, current: { $0.upstream?.headers })

    public static let upstreamTimeout = SettingKey(
        "upstream-timeout", "duration", "Give up on an upstream request after this long",
        default: .seconds(10), live: true, .positiveDuration, current: { $0.upstream?.timeout })

    public static let upstreamConnectTimeout = SettingKey(
        "upstream-connect-timeout", "duration", "Give up connecting to the upstream after this long",
        default: .seconds(2), live: true, .positiveDuration, current: { $0.upstream?.connectTimeout })

    public static let upstreamThreads = SettingKey(
        "upstream-threads", "count", "libcurl threads sending upstream requests; each client's requests keep to one",
        default: 2, live: false, .integer(1...64), current: { $0.upstreamThreads })

    public static let upstreamMaxConnections = SettingKey(
        "upstream-max-connections", "count",
        "Connections to each upstream host at once, split across upstream-threads; more requests wait for one",
        default: CurlClient.defaultMaxConnections, live: false, .integer(1...100_000),
        current: { $0.upstreamMaxConnections })

    public static let upstreamHTTPVersion = SettingKey<UpstreamHTTPVersion>(
        "upstream-http-version", "version",
        "HTTP to the upstream: 1.1, 2 (HTTP/2 where TLS agrees on it) or 2-prior-knowledge (HTTP/2 from the start, h2c)",
        default: .http1_1, live: true, .oneOf, current: { $0.upstream?.transport.httpVersion })

    public static let upstreamMaxStreams = SettingKey(
        "upstream-max-streams", "count", "Requests at once on one HTTP/2 upstream connection",
        default: CurlClient.defaultMaxStreams, live: false, .integer(1...10_000), current: { $0.upstreamMaxStreams })

    public static let upstreamUnixSocket = SettingKey<String?>(
        "upstream-unix-socket", "path", "Unix socket to reach the upstream through instead of the URL's host and port",
        default: nil, live: true, .unixSocketPath, current: { $0.upstream?.transport.unixSocketPath })

    public static let upstreamCAFile = SettingKey<String?>(
        "upstream-ca-file", "path",
        "PEM CA bundle an https:// upstream's or events-url's certificate must chain to, instead of the system's",
        default: nil, live: true, .caFile, current: { $0.upstream?.transport.caFile ?? $0.events?.caFile })

    public static let eventsURL = SettingKey<String?>(
        "events-url", "url", "Where connected, hello and disconnected events are POSTed as JSON",
        default: nil, live: true, .eventsURL, current: { $0.events?.url })

    public static let eventsQueueSize = SettingKey(
        "events-queue-size", "count", "Events held at most while the receiver lags; more are dropped and counted",
        default: 10_000, live: false, .integer(1...1_000_000), current: { $0.eventsQueueSize })

    public static let eventsTimeout = SettingKey(
        "events-timeout", "duration", "Give up on one event POST after this long",
        default: .seconds(5), live: true, .positiveDuration, current: { $0.events?.timeout })

    public static let eventsConnectHook = SettingKey(
        "events-connect-hook", "bool", "Admit a client only once the events URL answers its connected event with a 2xx",
        default: false, live: true, .boolean, current: { $0.events?.connectHook })

    public static let adminListen = SettingKey<HostPort?>(
        "admin-listen", "host:port", "Address of the admin HTTP API, or off",
        default: HostPort(host: "127.0.0.1", port: 8989), live: false, .hostPortOrOff,
        current: { $0.adminListen })

    public static let adminTLSCert = SettingKey<String?>(
        "admin-tls-cert", "path", "PEM certificate chain; set with admin-tls-key, the admin API serves HTTPS",
        default: nil, live: true, .path, current: { $0.adminTLS?.certificatePath })

    public static let adminTLSKey = SettingKey<String?>(
        "admin-tls-key", "path", "PEM private key of admin-tls-cert",
        default: nil, live: true, .path, current: { $0.adminTLS?.keyPath })

    /// The token may instead come from `GTCP_GATEWAY_ADMIN_TOKEN` itself (``SettingsLoader``).
    public static let adminTokenFile = SettingKey<String?>(
        "admin-token-file", "path", "File holding the bearer token the admin API requires",
        default: nil, live: true, .secretFile, current: { $0.adminToken })

    public static let adminHeaderTimeout = SettingKey(
        "admin-header-timeout", "duration",
        "Close an admin connection whose request head is not complete this long after its first byte",
        default: .seconds(10), live: false, .positiveDuration, current: { $0.admin.headerTimeout })

    public static let adminIdleTimeout = SettingKey(
        "admin-idle-timeout", "duration", "Close an admin connection that sends no request for this long",
        default: .seconds(60), live: false, .positiveDuration, current: { $0.admin.idleTimeout })

    public static let adminMaxConnections = SettingKey(
        "admin-max-connections", "count",
        "Open admin connections at most; one more closes the one waiting longest without a request. "
            + "Their descriptors are held back from gtcp clients",
        default: 256, live: false, .integer(1...100_000), current: { $0.admin.maxConnections })

    public static let clusterDatabaseURL = SettingKey<ClusterDatabaseURL?>(
        "cluster-database-url", "url",
        "PostgreSQL the nodes of a cluster share, postgres://user@host:5432/database"
            + "[?sslmode=require|verify-ca|verify-full[&sslrootcert=CA.pem]], sslmode as libpq's; none: a single gateway",
        default: nil, live: false, .clusterDatabaseURL, current: { $0.cluster?.database })

    /// Unset, the systemd credential `cluster-password` is used when there is one (``SettingsLoader``).
    public static let clusterPasswordFile = SettingKey<String?>(
        "cluster-password-file", "path", "File holding the password of cluster-database-url's user",
        default: nil, live: false, .secretFile, current: { $0.cluster?.password })

    public static let nodeName = SettingKey<String?>(
        "node-name", "name", "This gateway's name in the cluster, unique among its live nodes; none: the host name",
        default: nil, live: false, .nodeName, current: { $0.cluster?.nodeName })

    public static let clusterLease = SettingKey(
        "cluster-lease", "duration", "A node that has not renewed its lease for this long counts as gone",
        default: .seconds(10), live: false, .leaseDuration, current: { $0.cluster?.lease })

    public static let shutdownGrace = SettingKey(
        "shutdown-grace", "duration", "On stop, how long connections get to finish before they are closed",
        default: .seconds(10), live: false, .duration, current: { $0.shutdownGrace })

    public static let logLevel = SettingKey<Logger.Level>(
        "log-level", "level", "Least severe level logged",
        default: .info, live: true, .oneOf, current: { $0.logLevel })

    public static let logFormat = SettingKey<LogFormat>(
        "log-format", "format", "Log lines as plain text or one JSON object each",
        default: .plain, live: false, .oneOf, current: { $0.logFormat })

    public static let portsFile = SettingKey<String?>(
        "ports-file", "path", "Once every listener is bound, write `gtcp PORT` and `admin PORT` lines to this file",
        default: nil, live: false, .path, current: { $0.portsFile })

    /// In the order `check-config` prints them.
    static let all: [any AnySettingKey] = [
        listen, headerSize, maxDataSize, greeting, idleTimeout, maxConnectionAge, doexitGrace,
        maxConnections, maxInFlightPerConnection, maxInFlight, maxOutboundBytes, maxTotalOutboundBytes,
        maxPartialPacketBytes, tlsCert, tlsKey, tlsClientCA,
        upstream, upstreamHeader, upstreamTimeout, upstreamConnectTimeout, upstreamThreads,
        upstreamMaxConnections, upstreamHTTPVersion, upstreamMaxStreams, upstreamUnixSocket, upstreamCAFile,
        eventsURL, eventsQueueSize, eventsTimeout, eventsConnectHook,
        adminListen, adminTLSCert, adminTLSKey, adminTokenFile, adminHeaderTimeout, adminIdleTimeout,
        adminMaxConnections, clusterDatabaseURL, clusterPasswordFile, nodeName, clusterLease, shutdownGrace, logLevel,
        logFormat, portsFile,
    ]

    static let byName: [String: any AnySettingKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Every key's name, for tools and tests that check a list of keys is complete.
    public static var names: [String] { all.map(\.name) }
}
