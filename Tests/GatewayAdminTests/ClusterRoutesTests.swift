import Foundation
@testable import GatewayAdmin
import HummingbirdTesting
import Testing

@Suite struct ClusterRoutesTests {
    @Test func nodesAreListedWithTheirLeasesAndWhichOneAnswered() async throws {
        let cluster = FakeCluster(listed: [
            ClusterNodeInfo(
                name: "a", incarnation: 2, startedAt: Date(timeIntervalSince1970: 1_738_314_902.125),
                leaseExpiresAt: Date(timeIntervalSince1970: 1_738_315_000.25), isLive: true, connections: 3,
                isSelf: false),
            ClusterNodeInfo(
                name: "b\"q", incarnation: UInt32.max, startedAt: Date(timeIntervalSince1970: 0),
                leaseExpiresAt: Date(timeIntervalSince1970: 1), isLive: false, connections: 0, isSelf: true),
        ])
        try await withAdminRouter(cluster: cluster) { client in
            let response = try await client.execute(uri: "/cluster/nodes", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(
                String(buffer: response.body)
                    == #"{"nodes":[{"connections":3,"incarnation":2,"leaseExpiresAt":"2025-01-31T09:16:40.250Z","#
                    + #""live":true,"name":"a","self":false,"startedAt":"2025-01-31T09:15:02.125Z"},"#
                    + #"{"connections":0,"incarnation":4294967295,"leaseExpiresAt":"1970-01-01T00:00:01.000Z","#
                    + #""live":false,"name":"b\"q","self":true,"startedAt":"1970-01-01T00:00:00.000Z"}]}"#)
        }
    }
}

private struct FakeCluster: AdminCluster {
    let listed: [ClusterNodeInfo]

    func nodes() async throws -> [ClusterNodeInfo] { listed }
}
