import Formats
import ArgumentParser
import MPI
import Training

/// `tandem bench allreduce`: the wrapper's allreduce beside raw MPI_Allreduce.
struct AllreduceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Latency and bandwidth of the Swift allreduce beside raw MPI_Allreduce, 4 KiB to 64 MiB.")

    @Option(help: "Smallest message in bytes.") var minBytes = 4 << 10
    @Option(help: "Largest message in bytes (sizes double from the smallest).") var maxBytes = 64 << 20
    @Option(help: "Timed repetitions per size and path (0: at least 30, more for small messages).") var iterations = 0

    func validate() throws {
        guard minBytes >= 4, maxBytes >= minBytes else {
            throw ValidationError("--min-bytes must be at least 4 and at most --max-bytes")
        }
        guard maxBytes <= 1 << 30 else { throw ValidationError("--max-bytes must be at most 1 GiB (1073741824), got \(maxBytes)") }
        guard iterations >= 0 else { throw ValidationError("--iterations must be non-negative") }
    }

    func run() throws {
        let comm = try MPIEnvironment.worldCommunicator()
        let bench = AllreduceBenchmark(comm: comm)
        var bytes = minBytes
        while bytes <= maxBytes {
            let rounds = iterations > 0 ? iterations : max(30, min(2000, (32 << 20) / bytes))
            let result = try bench.measure(bytes: bytes, iterations: rounds)
            if comm.rank == 0 {
                // Bus bandwidth: what each rank's link carries in a ring allreduce, 2(n-1)/n of the message.
                let busFactor = comm.size > 1 ? 2 * Double(comm.size - 1) / Double(comm.size) : 1
                var line = JSONLine()
                line["bench"] = "allreduce"
                line["bytes"] = bytes
                line["ranks"] = result.ranks
                line["iterations"] = result.iterations
                line["swift_latency_us"] = result.wrapperSeconds * 1e6
                line["raw_latency_us"] = result.rawSeconds * 1e6
                line["swift_busbw_gbps"] = Double(bytes) * busFactor / result.wrapperSeconds / 1e9
                line["raw_busbw_gbps"] = Double(bytes) * busFactor / result.rawSeconds / 1e9
                line["swift_over_raw_bandwidth"] = result.rawSeconds / result.wrapperSeconds
                print(line.text)
            }
            bytes *= 2
        }
    }
}
