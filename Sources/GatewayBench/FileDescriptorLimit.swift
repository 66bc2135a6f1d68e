#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bench's own open-file limit: idle runs hold one descriptor per connection.
public enum FileDescriptorLimit {
    /// Raises this process's soft RLIMIT_NOFILE to its hard limit (never anything system-wide)
    /// and returns the soft limit in force afterwards (nil if it cannot be read).
    @discardableResult
    public static func raiseToHardLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(openFilesResource, &limit) == 0 else {
            return nil
        }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(openFilesResource, &raised) == 0 {
                limit = raised
            }
        }
        // RLIM_INFINITY is all ones.
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    #if canImport(Glibc)
    // Glibc imports the resource as an enum; the calls take its raw value.
    private static let openFilesResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let openFilesResource = RLIMIT_NOFILE
    #endif
}
