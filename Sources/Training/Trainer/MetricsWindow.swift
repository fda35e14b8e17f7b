import MPI

/// Loss sums since the last log step. Each rank's values are its share of a
/// global-batch mean, so summing them over ranks gives the global values.
struct MetricsWindow {
    var criticLoss = 0.0
    var penalty = 0.0
    var distance = 0.0
    var generatorLoss = 0.0
    var criticUpdates = 0
    var generatorUpdates = 0

    /// Global means over the window (one allreduce; every rank must call).
    func reduced(over comm: any Communicator) throws -> (criticLoss: Double, penalty: Double, distance: Double, generatorLoss: Double) {
        var sums = [criticLoss, penalty, distance, generatorLoss]
        try comm.allreduce(&sums, .sum)
        let c = Double(max(criticUpdates, 1))
        let g = Double(max(generatorUpdates, 1))
        return (sums[0] / c, sums[1] / c, sums[2] / c, sums[3] / g)
    }
}
