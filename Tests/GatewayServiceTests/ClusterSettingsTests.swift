import GatewayCluster
import GatewayService
import Testing

/// The cluster keys: cluster-database-url, cluster-password-file, node-name, cluster-lease.
@Suite struct ClusterSettingsTests {
    private let url = "postgres://gateway@db.internal:5432/fleet"

    private func load(_ flags: [String: [String]], environment: [String: String] = [:]) throws -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(values: flags), environment: environment).load()
    }

    private func problems(_ flags: [String: [String]]) -> [String] {
        do throws(SettingsError) {
            _ = try SettingsLoader(commandLine: CommandLineSettings(values: flags), environment: [:]).load()
            return []
        } catch {
            return error.problems
        }
    }

    @Test func clusterModeIsOffUntilADatabaseURLIsGiven() throws {
        #expect(GatewaySettings.defaults.cluster == nil)
        let cluster = try #require(try load(["cluster-database-url": [url], "node-name": ["gw-1"]]).cluster)
        #expect(cluster.database.description == "postgres://gateway@db.internal:5432/fleet")
        #expect(cluster.nodeName == "gw-1")
        #expect(cluster.lease == .seconds(10))
        #expect(cluster.password == nil)
    }

    @Test func theNodeNameDefaultsToTheHostName() throws {
        let cluster = try #require(try load(["cluster-database-url": [url]]).cluster)
        #expect(!cluster.nodeName.isEmpty)
    }

    @Test func thePasswordComesFromItsFileOrTheCredentialAndIsNeverShown() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.file("password", "s3cret-from-file\n")
        let settings = try load(["cluster-database-url": [url], "cluster-password-file": [file]])
        #expect(settings.cluster?.password == "s3cret-from-file")
        #expect(!settings.yamlDescription.contains("s3cret"))
        #expect(!"\(settings)".contains("s3cret"))

        _ = try directory.file("cluster-password", "s3cret-credential")
        let credential = try load(["cluster-database-url": [url]], environment: ["CREDENTIALS_DIRECTORY": directory.path])
        #expect(credential.cluster?.password == "s3cret-credential")
    }

    @Test(arguments: [
        (["cluster-password-file": ["/etc/hostname"]], "cluster-password-file needs cluster-database-url"),
        (["cluster-database-url": ["postgres://u:pw@h/db"]], "cluster-database-url must not hold a password"),
        (["cluster-database-url": ["mysql://u@h/db"]], "cluster-database-url must look like"),
        (["cluster-database-url": ["postgres://u@h/db"], "cluster-lease": ["500ms"]], "cluster-lease"),
        (["cluster-database-url": ["postgres://u@h/db"], "node-name": ["has space"]], "node-name"),
    ])
    func badClusterSettingsNameTheirKey(flags: [String: [String]], problem: String) {
        let found = problems(flags)
        #expect(found.contains { $0.contains(problem) }, "\(found)")
        #expect(!found.joined().contains("pw@"))
    }
}
