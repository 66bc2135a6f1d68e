import SettingsText

/// The bench loads its target hard, so by default it only aims at this machine.
public enum LoopbackGuard {
    /// nil when `address` is on loopback (127.0.0.0/8, ::1, localhost), else why the bench refuses it.
    public static func refusal(for address: HostPort) -> String? {
        if address.isLoopback {
            return nil
        }
        return "refusing to benchmark \(address): \(address.host) is not a loopback address "
            + "(pass --allow-remote to benchmark it anyway)"
    }
}
