import ArgumentParser
import GatewayCluster

struct ClusterSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-schema",
        abstract: "Print the SQL of the cluster schema, for a DBA to apply by hand.",
        discussion: "Gateways in cluster mode create or migrate the schema themselves when they start; "
            + "the script is the same, and applying it twice does no harm."
    )

    func run() {
        print(ClusterSchema.script, terminator: "")
    }
}
