#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's open-file limit (RLIMIT_NOFILE), never anything system-wide.
public enum FileDescriptorLimit {
    /// The soft limit now: Int.max for unlimited, nil if it cannot be read.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(openFilesResource, &limit) == 0 else {
            return nil
        }
        return count(limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit (the bench's idle runs hold one descriptor per
    /// connection) and returns the soft limit in force afterwards (nil if it cannot be read).
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
        return count(limit.rlim_cur)
    }

    /// RLIM_INFINITY is all ones.
    private static func count(_ limit: rlim_t) -> Int {
        limit >= rlim_t(Int.max) ? Int.max : Int(limit)
    }

    #if canImport(Glibc)
    // Glibc imports the resource as an enum; the calls take its raw value.
    private static let openFilesResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let openFilesResource = RLIMIT_NOFILE
    #endif
}
