#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SpawnShim

/// A child process started with posix_spawn, its stdout and stderr in one pipe (or discarded),
/// stdin from /dev/null, with no descriptor of the test process but those.
///
/// Not Foundation's Process: on Linux its run() copies each /proc/self/fd entry's name as a
/// fixed 256-byte field and now and then reads past the directory buffer into an unmapped page,
/// crashing the whole test run (swift-corelibs-foundation#5472, still in 6.3.1).
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    /// The read end of the merged stdout and stderr; -1 when they were discarded. Its reader
    /// owns and closes it.
    public let output: Int32

    /// `journalStream` names a variable set to the output pipe's `device:inode`, as systemd sets
    /// `JOURNAL_STREAM` when it hands stdout and stderr to journald. `inherited`, when given, is
    /// the child's descriptor 3 (a listening socket handed over ready).
    public init(
        executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String? = nil, captureOutput: Bool = true, journalStream: String? = nil,
        inherited: Int32? = nil
    ) throws {
        var ends: [Int32] = [-1, -1]
        var environment = environment
        if captureOutput {
            guard spawn_shim_pipe_cloexec(&ends) == 0 else { throw SystemCallError(call: "pipe2", errno: errno) }
            if let journalStream {
                var status = stat()
                fstat(ends[1], &status)
                environment[journalStream] = "\(status.st_dev):\(status.st_ino)"
            }
        }
        defer { if captureOutput { close(ends[1]) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
            posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        if let workingDirectory {
            spawn_shim_addchdir(&actions, workingDirectory)
        }
        if let inherited {
            posix_spawn_file_actions_adddup2(&actions, inherited, 3)
        }
        // Sockets and pipes the test process opened without close-on-exec stay out of the child.
        spawn_shim_addclosefrom(&actions, inherited == nil ? 3 : 4)

        // The child starts with default signal handling and nothing blocked, whatever the test
        // process (which ignores SIGPIPE, for one) has set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        var none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            if captureOutput { close(ends[0]) }
            throw SystemCallError(call: "posix_spawn \(executable)", errno: result)
        }
        self.pid = pid
        self.output = ends[0]
    }

    /// Blocks until the child exits and returns its exit status, or the number of the signal
    /// that ended it, as Foundation's terminationStatus does. Call once.
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Self.exitStatus(status)
    }

    /// The exit status as ``waitForExit()`` gives it once the child has exited, nil while it runs.
    public func exitStatusIfExited() -> Int32? {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped == -1 && errno == EINTR
        return reaped == pid ? Self.exitStatus(status) : nil
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    /// Blocks until the output pipe's writers are all gone, handing each chunk to `consume`;
    /// then closes the pipe.
    public func readOutput(_ consume: (UnsafeRawBufferPointer) -> Void) {
        guard output >= 0 else { return }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }

    /// Runs `executable` to its end; its exit status and everything it printed.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        workingDirectory: String? = nil
    ) throws -> (status: Int32, output: String) {
        let process = try SpawnedProcess(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory)
        var printed: [UInt8] = []
        process.readOutput { printed.append(contentsOf: $0) }
        return (process.waitForExit(), String(decoding: printed, as: UTF8.self))
    }
}
