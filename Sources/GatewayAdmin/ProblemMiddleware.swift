import Hummingbird
import Logging

/// Turns whatever a handler or the router throws into a problem document, so that unknown
/// paths and unexpected failures look like every other error.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let cause as ClusterUnavailable {
            throw Problem.unavailable(cause)
        } catch let error as HTTPError where error.status == .notFound {
            throw Problem(status: .notFound, detail: "no route for \(request.uri.path)")
        } catch let error as HTTPError {
            throw Problem(status: error.status, detail: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("admin request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw Problem(status: .internalServerError, detail: "internal error")
        }
    }
}
