#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names the calling thread (at most 15 bytes, as the kernel keeps it). A thread started with
/// `pthread_create` otherwise carries the name of the thread that started it, which is the
/// runtime's and tells an operator nothing.
func nameCurrentThread(_ name: String) {
    #if os(Linux)
    // Glibc's pthread_setname_np is not visible to Swift; this file is what it writes.
    let descriptor = open("/proc/thread-self/comm", O_WRONLY)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = write(descriptor, bytes, bytes.count)
    close(descriptor)
    #elseif canImport(Darwin)
    pthread_setname_np(name)
    #endif
}
