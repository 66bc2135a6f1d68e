import Foundation
@testable import GatewayAdmin
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ConsoleRoutesTests {
    @Test func rootLeadsToTheConsole() async throws {
        let response = try await adminResponse(.get, "/", token: AdminToken("secret"))
        #expect(response.status == .found)
        #expect(response.headers[.location] == "/ui/")
    }

    @Test(arguments: [
        ("/ui/", "text/html; charset=utf-8", "<script src=\"/ui/console.js\" defer></script>"),
        ("/ui/console.js", "text/javascript; charset=utf-8", "textContent"),
        ("/ui/console.css", "text/css; charset=utf-8", "svg.chart"),
    ])
    func consoleFilesAreServedWithoutTheToken(path: String, contentType: String, excerpt: String) async throws {
        let response = try await adminResponse(.get, path, token: AdminToken("secret"))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == contentType)
        #expect(String(buffer: response.body).contains(excerpt))
    }

    @Test func pageHasNoInlineScriptOrStyle() async throws {
        try await withAdminRouter { client in
            let page = String(buffer: try await client.execute(uri: "/ui/", method: .get).body)
            #expect(!page.contains("<script>"))
            #expect(!page.contains("<style"))
            #expect(!page.contains("style="))
            #expect(!page.contains(#/ on[a-z]+=/#), "no inline event handlers")
        }
    }

    @Test(arguments: ["/ui/", "/connections", "/nowhere", "/healthz"])
    func everyAnswerCarriesTheSecurityHeaders(path: String) async throws {
        let response = try await adminResponse(.get, path, token: AdminToken("secret"))
        let policy = try #require(response.headers[.contentSecurityPolicy])
        #expect(policy.hasPrefix("default-src 'self';"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(response.headers[.xContentTypeOptions] == "nosniff")
    }

    @Test func historyNeedsTheToken() async throws {
        let response = try await adminResponse(.get, "/history", token: AdminToken("secret"))
        #expect(response.status == .unauthorized)
    }
}
