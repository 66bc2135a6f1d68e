import Hummingbird

/// The console's charts: the last 15 minutes of the gateway's figures.
struct HistoryRoute<Context: RequestContext> {
    let history: MetricsHistory

    func register(on router: Router<Context>) {
        router.only(.get, "/history") { request, _ in
            _ = try request.query(allowing: [])
            return try JSONResponse.make(self.history.json)
        }
    }
}
