/// The keys whose change a reload cannot apply: they shape listeners, buffers and limits made
/// at start-up. Empty when every change can be applied live.
public func restartRequired(from old: GatewaySettings, to new: GatewaySettings) -> [String] {
    var keys = SettingKeys.all.filter { !$0.isLive && $0.currentText(in: old) != $0.currentText(in: new) }
        .map(\.name)
    // The upstream is made at start-up only when there is one (an upstream URL or routes), so
    // turning it on or off needs a restart; changing its URL, routes, headers or
    // timeouts does not.
    if (old.upstream == nil) != (new.upstream == nil) {
        keys.append(SettingKeys.upstream.name)
    }
    // Likewise the events sender.
    if (old.events == nil) != (new.events == nil) {
        keys.append(SettingKeys.eventsURL.name)
    }
    // Likewise TLS shapes the listener, while new certificates replace the old live.
    if (old.tls == nil) != (new.tls == nil) {
        keys.append(SettingKeys.tlsCert.name)
    }
    if (old.adminTLS == nil) != (new.adminTLS == nil) {
        keys.append(SettingKeys.adminTLSCert.name)
    }
    return keys
}
