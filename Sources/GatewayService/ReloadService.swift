import GatewayAdmin
import GatewayCore
import GatewayCurl
import GatewayUpstream
import Logging
import ServiceLifecycle
import UnixSignals

/// What a reload can change without a restart.
struct LiveSettings: Sendable {
    let policy: LivePolicy
    let upstream: CurlUpstream?
    let events: LifecycleEvents?
    let adminToken: AdminToken
    let logLevel: SharedLogLevel
    /// New certificates serve the connections accepted after the reload.
    let tls: LiveTLSContext?
    let adminTLS: LiveTLSContext?
}

/// On SIGHUP reads the settings again and applies what can change live; a bad new
/// configuration is rejected with a log line and the running one stays.
struct ReloadService: Service {
    let loader: SettingsLoader
    let started: GatewaySettings
    let apply: LiveSettings
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            try? notifier.reloading()
            reload()
            try? notifier.ready()
        }
    }

    private func reload() {
        let settings: GatewaySettings
        do {
            settings = try loader.load()
        } catch {
            logger.error("reload rejected, keeping the running configuration: \(error)")
            return
        }
        apply.policy.current = settings.connectionPolicy
        apply.logLevel.level = settings.logLevel
        apply.adminToken.update(settings.adminToken)
        replaceCertificates(apply.tls, with: settings.tls)
        replaceCertificates(apply.adminTLS, with: settings.adminTLS)
        var needRestart = restartRequired(from: started, to: settings)
        if let upstream = apply.upstream, let configuration = settings.upstream {
            upstream.update(configuration)
        } else if (apply.upstream == nil) != (settings.upstream == nil), !needRestart.contains("upstream") {
            needRestart.append("upstream")
        }
        if let events = apply.events, let configuration = settings.events {
            events.update(configuration)
        } else if (apply.events == nil) != (settings.events == nil), !needRestart.contains(SettingKeys.eventsURL.name) {
            needRestart.append(SettingKeys.eventsURL.name)
        }
        if needRestart.isEmpty {
            logger.info("configuration reloaded")
        } else {
            logger.warning("configuration reloaded; these changes take effect after a restart: \(needRestart.joined(separator: ", "))")
        }
    }

    /// The loader has already made a context of the same files, so this fails only if they
    /// changed in between; the running certificates then stay.
    private func replaceCertificates(_ live: LiveTLSContext?, with files: TLSFiles?) {
        guard let live, let files else { return }
        do {
            live.current = try files.makeServerContext()
        } catch {
            logger.error("certificates \(files.certificatePath) not reloaded, keeping the running ones: \(error)")
        }
    }
}
