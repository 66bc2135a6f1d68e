import GatewayAdmin
import GatewayCluster
import GatewayCore
import GatewayUpstream
import GtcpWire
import Logging
import SettingsText

public enum LogFormat: String, Sendable, CaseIterable {
    case plain
    case json
}

/// Everything the gateway is configured with, merged from flags, environment, file and defaults
/// by ``SettingsLoader``; the key table in ``SettingKeys`` says which key sets which field.
public struct GatewaySettings: Sendable, Equatable {
    public var listen: HostPort
    public var framing: GtcpFraming
    public var greeting: String
    /// nil: connections never time out for being idle.
    public var idleTimeout: Duration?
    /// nil: connections may live forever.
    public var maxConnectionAge: Duration?
    /// After `doexit`, how long the client has to close before the gateway closes.
    public var doexitGrace: Duration
    public var maxConnections: Int
    public var maxInFlightPerConnection: Int
    public var maxInFlight: Int
    /// Raised to one largest packet by the core when below it.
    public var maxOutboundBytes: Int
    public var maxTotalOutboundBytes: Int
    public var maxPartialPacketBytes: Int
    /// nil: the gtcp listener speaks plain TCP.
    public var tls: TLSFiles?
    /// nil: neither an upstream URL nor routes; only the gateway's own acts are answered.
    public var upstream: UpstreamConfiguration?
    /// libcurl threads, shared by the upstream and the events sender.
    public var upstreamThreads: Int
    /// Connections to each upstream host at once, split across the threads.
    public var upstreamMaxConnections: Int
    /// Requests at once on one HTTP/2 upstream connection.
    public var upstreamMaxStreams: Int
    /// nil: no lifecycle events.
    public var events: EventsConfiguration?
    public var eventsQueueSize: Int
    /// nil: no admin API.
    public var adminListen: HostPort?
    /// nil: the admin API speaks plain HTTP.
    public var adminTLS: TLSFiles?
    public var adminToken: String?
    public var admin: AdminConnectionLimits
    /// nil: a single gateway, no database.
    public var cluster: ClusterConfiguration?
    public var shutdownGrace: Duration
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// nil: the ports are only logged.
    public var portsFile: String?

    /// What the settings allow but an operator most likely did not mean; start-up logs each and
    /// `check-config` prints each.
    public var warnings: [String] {
        var warnings: [String] = []
        if let adminListen, !adminListen.isLoopback, adminTLS == nil {
            warnings.append(
                "admin-listen \(adminListen) is reached from other hosts over plain HTTP: the admin token and "
                    + "every pushed message cross the network unencrypted; set admin-tls-cert and admin-tls-key")
        }
        if let cluster = cluster?.database.plainTextWarning {
            warnings.append(cluster)
        }
        return warnings
    }

    /// The settings when no flag, variable or file sets anything.
    public static var defaults: GatewaySettings {
        do {
            return try SettingsLoader(commandLine: CommandLineSettings(), environment: [:]).load()
        } catch {
            preconditionFailure("the defaults in the setting key table do not validate: \(error)")
        }
    }
}
