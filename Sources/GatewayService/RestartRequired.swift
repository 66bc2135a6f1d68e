/// The keys whose change a reload cannot apply: they shape listeners, buffers and limits made
/// at start-up. Empty when every change can be applied live.
public func restartRequired(from old: GatewaySettings, to new: GatewaySettings) -> [String] {
    var keys = SettingKeys.all.filter { !$0.isLive && $0.currentText(in: old) != $0.currentText(in: new) }
        .map(\.name)
    // The upstream's client is made at start-up only when there is one, so turning it on or off
    // needs a restart; changing its URL, headers or timeouts does not.
    if (old.upstream == nil) != (new.upstream == nil) {
        keys.append(SettingKeys.upstream.name)
    }
    // Likewise the events sender.
    if (old.events == nil) != (new.events == nil) {
        keys.append(SettingKeys.eventsURL.name)
    }
    return keys
}
