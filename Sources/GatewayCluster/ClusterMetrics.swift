import CoreMetrics

/// What the directory writer and the lease cost and how they fare.
struct ClusterMetrics: Sendable {
    let rowsWritten: Counter
    let batchRows: Recorder
    let batchDuration: Timer
    let databaseErrors: Counter
    let leaseRenewals: Counter
    let rewrites: Counter
    /// 1 while this node's part of the directory may be out of date.
    let directoryStale: Gauge

    init(factory: any MetricsFactory) {
        rowsWritten = Counter(label: "gtcp_cluster_directory_rows_written_total", factory: factory)
        batchRows = Recorder(label: "gtcp_cluster_directory_batch_rows", dimensions: [], aggregate: true, factory: factory)
        batchDuration = Timer(
            label: "gtcp_cluster_directory_batch_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        databaseErrors = Counter(label: "gtcp_cluster_database_errors_total", factory: factory)
        leaseRenewals = Counter(label: "gtcp_cluster_lease_renewals_total", factory: factory)
        rewrites = Counter(label: "gtcp_cluster_directory_rewrites_total", factory: factory)
        directoryStale = Gauge(label: "gtcp_cluster_directory_stale", factory: factory)
    }
}
