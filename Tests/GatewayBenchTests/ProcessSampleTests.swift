import GatewayBench
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Process samples from /proc")
struct ProcessSampleTests {
    @Test("reads this process")
    func ownProcess() throws {
        let sample = try ProcessSample.read(pid: getpid())
        #expect(sample.residentKiB > 0)
        #expect(sample.threads >= 1)
        #expect(sample.cpuSeconds >= 0)
    }

    @Test("a process that is gone is an error naming it")
    func gone() {
        #expect(throws: ProcessSampleError.self) { try ProcessSample.read(pid: Int32.max) }
    }
}
