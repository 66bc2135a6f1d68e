import Hummingbird

/// Liveness and readiness, answered without the token so orchestrators need no secret.
struct ProbeRoutes<Context: RequestContext> {
    let readiness: any ReadinessSource

    func register(on router: Router<Context>) {
        router.only(.get, "/healthz") { _, _ in
            try JSONResponse.make(StatusJSON(status: "ok"))
        }
        router.only(.get, "/readyz") { _, _ in
            self.readiness.isReady
                ? try JSONResponse.make(StatusJSON(status: "ready"))
                : try JSONResponse.make(StatusJSON(status: "not ready"), status: .serviceUnavailable)
        }
    }
}
