@testable import GatewayAdmin
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AuthTests {
    @Test func missingTokenIsRefusedWithChallenge() async throws {
        let response = try await adminResponse(.get, "/connections", token: AdminToken("s3cret"))
        #expect(response.status == .unauthorized)
        #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="gtcp-gateway""#)
        #expect(try response.problem().title == "Unauthorized")
    }

    @Test(arguments: ["Bearer wrong", "Bearer s3cre", "Bearer s3cret2", "Basic czNjcmV0", "Bearer ", "s3cret"])
    func wrongCredentialIsRefused(authorization: String) async throws {
        let connections = FakeConnections()
        let response = try await adminResponse(
            .delete, "/connections/1", headers: [.authorization: authorization], connections: connections,
            token: AdminToken("s3cret"))
        #expect(response.status == .unauthorized)
        _ = try response.problem()
        #expect(connections.calls.isEmpty)
    }

    @Test(arguments: ["Bearer s3cret", "bearer s3cret", "BEARER  s3cret"])
    func rightTokenIsAccepted(authorization: String) async throws {
        let response = try await adminResponse(
            .get, "/connections", headers: [.authorization: authorization], token: AdminToken("s3cret"))
        #expect(response.status == .ok)
    }

    @Test(
        "probes need no token; metrics and unknown paths need it",
        arguments: [("/healthz", .ok), ("/readyz", .ok), ("/metrics", .unauthorized), ("/nowhere", .unauthorized)]
            as [(String, HTTPResponse.Status)]
    )
    func requestWithoutToken(uri: String, status: HTTPResponse.Status) async throws {
        let response = try await adminResponse(.get, uri, token: AdminToken("s3cret"))
        #expect(response.status == status)
    }

    @Test func tokenChangesTakeEffectOnTheNextRequest() async throws {
        let token = AdminToken(nil)
        let first: HTTPFields = [.authorization: "Bearer first"]
        try await withAdminRouter(token: token) { client in
            let open = try await client.execute(uri: "/connections", method: .get)
            token.update("first")
            let withoutToken = try await client.execute(uri: "/connections", method: .get)
            let withToken = try await client.execute(uri: "/connections", method: .get, headers: first)
            token.update("second")
            let withOldToken = try await client.execute(uri: "/connections", method: .get, headers: first)
            #expect(open.status == .ok)
            #expect(withoutToken.status == .unauthorized)
            #expect(withToken.status == .ok)
            #expect(withOldToken.status == .unauthorized)
        }
    }

    @Test func emptyConfiguredTokenLetsNothingThrough() {
        #expect(!BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual("", ""))
        #expect(!BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual("x", ""))
    }

    @Test(arguments: [("abc", "abc", true), ("abd", "abc", false), ("ab", "abc", false), ("abcabc", "abc", false), ("é", "é", true)])
    func constantTimeComparison(presented: String, expected: String, equal: Bool) {
        #expect(BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual(presented, expected) == equal)
    }
}
