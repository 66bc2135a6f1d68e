@testable import GatewayService
import Testing

/// gtcp clients get the open-file limit less the admin API's cap and the gateway's own files.
@Suite struct DescriptorBudgetTests {
    @Test func gtcpClientsGetWhatTheAdminCapAndHeadroomLeave() throws {
        let budget = try DescriptorBudget(openFileLimit: 1024, maxConnections: 100_000, adminConnections: 256)
        #expect(budget == DescriptorBudget(gtcpConnections: 1024 - 256 - DescriptorBudget.headroom, limitedByOpenFiles: true))
    }

    @Test func lowerMaxConnectionsDecides() throws {
        let budget = try DescriptorBudget(openFileLimit: 262_144, maxConnections: 1000, adminConnections: 256)
        #expect(budget == DescriptorBudget(gtcpConnections: 1000, limitedByOpenFiles: false))
    }

    @Test func limitLeavingNoRoomStopsStartUpNamingTheKey() {
        let error = #expect(throws: SettingsError.self) {
            try DescriptorBudget(openFileLimit: 300, maxConnections: 100_000, adminConnections: 256)
        }
        #expect(error?.description.contains("admin-max-connections 256") == true)
    }
}
