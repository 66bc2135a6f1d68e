/// Splits the process's open-file limit between the two listeners, so that neither can take the
/// descriptors the other needs: the admin API holds at most `admin-max-connections`, a fixed
/// headroom covers the gateway's own files, and gtcp clients get the rest (or `max-connections`
/// if that is lower). Clients past their share are refused with an error reply, not left to fail
/// in accept.
struct DescriptorBudget: Equatable {
    /// Listeners, event loops, log output, TLS files being read, upstream and events sockets.
    static let headroom = 64

    /// The most gtcp clients held at once.
    var gtcpConnections: Int
    /// True when the open-file limit, not `max-connections`, sets `gtcpConnections`.
    var limitedByOpenFiles: Bool
}

extension DescriptorBudget {
    /// Throws when the limit leaves no room for a single gtcp client.
    init(openFileLimit: Int, maxConnections: Int, adminConnections: Int) throws(SettingsError) {
        let share = openFileLimit - adminConnections - Self.headroom
        guard share > 0 else {
            throw SettingsError(problems: [
                "the open-file limit (RLIMIT_NOFILE) of \(openFileLimit) leaves no descriptors for gtcp clients after "
                    + "\(SettingKeys.adminMaxConnections.name) \(adminConnections) and \(Self.headroom) for the gateway's "
                    + "own files: raise the limit (LimitNOFILE) or lower \(SettingKeys.adminMaxConnections.name)"
            ])
        }
        gtcpConnections = min(maxConnections, share)
        limitedByOpenFiles = share < maxConnections
    }
}
