import MPI

/// Logged values since the last log step, by name in first-seen order. Each rank's
/// values are its share of a global value, so summing them over ranks gives the
/// global values; each is averaged over the updates that logged it.
struct MetricsWindow {
    private(set) var names: [String] = []
    private var sums: [String: Double] = [:]
    private var counts: [String: Int] = [:]

    mutating func add(_ logged: [(name: String, value: Double)]) {
        for (name, value) in logged {
            if sums[name] == nil { names.append(name) }
            sums[name, default: 0] += value
            counts[name, default: 0] += 1
        }
    }

    /// Global means over the window, in first-seen order (one allreduce; every rank must call).
    func reduced(over comm: any Communicator) throws -> [(name: String, value: Double)] {
        var values = names.map { sums[$0] ?? 0 }
        try comm.allreduce(&values, .sum)
        return zip(names, values).map { name, sum in (name, sum / Double(max(counts[name] ?? 1, 1))) }
    }
}
