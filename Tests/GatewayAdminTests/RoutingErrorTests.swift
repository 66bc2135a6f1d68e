import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RoutingErrorTests {
    @Test func unknownPathIsAProblem() async throws {
        try await withAdminRouter { client in
            let response = try await client.execute(uri: "/nowhere", method: .get)
            #expect(response.status == .notFound)
            #expect(try response.problem().detail == "no route for /nowhere")
        }
    }

    @Test(arguments: [
        ("/connections", HTTPRequest.Method.post, "GET, HEAD"),
        ("/connections/7", .put, "GET, DELETE, HEAD"),
        ("/connections/7/doexit", .get, "POST"),
        ("/connections/doexit", .delete, "POST"),
        ("/connections/7/messages", .get, "POST"),
        ("/messages", .get, "POST"),
        ("/healthz", .post, "GET, HEAD"),
        ("/readyz", .delete, "GET, HEAD"),
        ("/metrics", .patch, "GET, HEAD"),
        ("/healthz", .trace, "GET, HEAD"),
        ("/readyz", .trace, "GET, HEAD"),
        ("/metrics", .trace, "GET, HEAD"),
        ("/connections", .options, "GET, HEAD"),
        ("/history", .post, "GET, HEAD"),
        ("/", .delete, "GET, HEAD"),
        ("/readyz", HTTPRequest.Method("QUERY")!, "GET, HEAD"),
        ("/ui/console.js", .put, "GET, HEAD"),
    ])
    func wrongMethodIsAProblemNamingTheAllowedOnes(path: String, method: HTTPRequest.Method, allow: String) async throws {
        try await withAdminRouter { client in
            let response = try await client.execute(uri: path, method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            _ = try response.problem()
        }
    }

    @Test func headOfAGetRouteHasNoBody() async throws {
        try await withAdminRouter { client in
            let response = try await client.execute(uri: "/healthz", method: .head)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }
}
