import GatewayTestSupport
import Logging
import PostgresNIO
import TestCertificates
import Testing

@testable import GatewayCluster

/// sslmode as libpq means it, against a real PostgreSQL with ssl=on whose certificate, signed by the
/// test CA, names database.test and not 127.0.0.1; connected to as a node connects.
@Suite(.timeLimit(.minutes(1)))
struct ClusterDatabaseTLSTests {
    private let logger = Logger.quiet("cluster-database-tls-tests")
    private let certificates: TestCertificates
    private let server: TestPostgres

    init() throws {
        certificates = try TestCertificates()
        try certificates.issueDatabaseCertificate()
        server = try TestPostgres(tls: (certificates.databaseCertificatePath, certificates.databaseKeyPath))
    }

    private func configuration(_ query: String) throws -> ClusterConfiguration {
        ClusterConfiguration(
            database: try ClusterDatabaseURL(parsing: "postgres://postgres@127.0.0.1:\(server.port)/postgres?" + query),
            password: nil, nodeName: "tls", lease: .seconds(5))
    }

    private static let sslOfThisConnection: PostgresQuery = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"

    /// Whether the server saw the connection that answered ``sslOfThisConnection`` as encrypted.
    private static func encrypted(_ rows: PostgresRowSequence) async throws -> Bool {
        try await rows.decode(Bool.self).reduce(into: []) { $0.append($1) } == [true]
    }

    private func joinConnectionIsEncrypted(_ query: String) async throws -> Bool {
        let connection = try await PostgresConnection.connect(
            configuration: try configuration(query).connectionConfiguration(), id: 1, logger: logger)
        do {
            let encrypted = try await Self.encrypted(try await connection.query(Self.sslOfThisConnection, logger: logger))
            try await connection.close()
            return encrypted
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// What a node starting with this sslmode says when it cannot connect.
    private func joinFailure(_ query: String) async -> String {
        do {
            _ = try await ClusterJoin.join(try configuration(query), logger: logger)
            return "joined"
        } catch {
            return "\(error)"
        }
    }

    @Test func requireEncryptsWithoutCheckingTheCertificate() async throws {
        #expect(try await joinConnectionIsEncrypted("sslmode=require"))
    }

    @Test func requireEncryptsThePoolsConnectionsToo() async throws {
        let client = PostgresClient(
            configuration: try configuration("sslmode=require").clientConfiguration(), backgroundLogger: logger)
        let encrypted = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await client.run()
                return false
            }
            // The pool retries a connection it cannot make until the query gives up.
            let encrypted = try await withDeadline(.seconds(20)) {
                try await Self.encrypted(try await client.query(Self.sslOfThisConnection, logger: logger))
            }
            group.cancelAll()
            return encrypted
        }
        #expect(encrypted)
    }

    @Test func verifyCAAcceptsACertificateTheCASignedForAnotherName() async throws {
        #expect(try await joinConnectionIsEncrypted("sslmode=verify-ca&sslrootcert=\(certificates.caPath)"))
    }

    /// libpq's rule: require with a root certificate checks the chain as verify-ca does.
    @Test(arguments: ["verify-ca", "require"])
    func aCertificateAnotherCASignedStopsTheNodeNamingTheProblem(mode: String) async throws {
        let failure = await joinFailure("sslmode=\(mode)&sslrootcert=\(certificates.otherCAPath)")
        #expect(failure.contains("cannot connect") && failure.contains("CERTIFICATE_VERIFY_FAILED"), "\(failure)")
    }

    /// Without sslrootcert the system's roots judge the chain, and none of them signed the test CA:
    /// verification is not skipped for want of a CA file.
    @Test(arguments: ["verify-ca", "verify-full"])
    func withoutARootCertificateTheSystemsRootsJudgeTheChain(mode: String) async throws {
        let failure = await joinFailure("sslmode=\(mode)")
        #expect(failure.contains("cannot connect") && failure.contains("CERTIFICATE_VERIFY_FAILED"), "\(failure)")
    }

    @Test func verifyFullRefusesACertificateForAnotherHostName() async throws {
        let failure = await joinFailure("sslmode=verify-full&sslrootcert=\(certificates.caPath)")
        #expect(failure.contains("cannot connect") && failure.contains("the server's certificate does not name the URL's host"), "\(failure)")
    }
}
