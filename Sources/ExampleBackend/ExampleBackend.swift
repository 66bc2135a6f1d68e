import Hummingbird
import Logging

/// The demo upstream that `make run` starts beside the gateway: each act is `POST /acts/<act>`.
public enum ExampleBackend {
    public static func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/acts/:act") { request, context -> Response in
            let act = try context.parameters.require("act")
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            switch act {
            case "echo":
                return ExampleActs.echo(body, contentType: request.headers[.contentType])
            case "time":
                return ExampleActs.time()
            case "sum":
                return ExampleActs.sum(body)
            case "whoami":
                return ExampleActs.whoami(request.headers)
            default:
                return ExampleActs.error(.notFound, "unknown act \"\(act)\"")
            }
        }
        return router
    }
}

extension ExampleBackend {
    /// Serves the demo acts until SIGINT or SIGTERM.
    public static func serve(host: String, port: Int, logger: Logger) async throws {
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "gtcp-example-upstream"),
            // Hummingbird logs the address it listens on at info level.
            logger: logger
        )
        try await app.runService()
    }
}
