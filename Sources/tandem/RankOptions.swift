import ArgumentParser
import MPI

/// How a command finds its ranks: real MPI by default, one process with `--debug`,
/// or threads of one process with `--debug --emulate-ranks N`.
struct RankOptions: ParsableArguments {
    @Flag(help: "Run as one process without MPI (no mpirun); adds extra checks.")
    var debug = false

    @Option(help: "With --debug: run N ranks as threads of this process, meeting through shared memory.")
    var emulateRanks: Int?

    func validate() throws {
        if let n = emulateRanks {
            guard debug else { throw ValidationError("--emulate-ranks needs --debug") }
            guard n >= 1 else { throw ValidationError("--emulate-ranks must be at least 1, got \(n)") }
        }
    }

    /// Runs `body` once per rank of this process (several times with --emulate-ranks)
    /// and returns the results in rank order.
    func run<Result: Sendable>(_ body: @escaping @Sendable (any Communicator) throws -> Result) throws -> [Result] {
        if debug {
            if let n = emulateRanks { return try ThreadGroup.run(ranks: n) { try body($0) } }
            return [try body(LocalCommunicator())]
        }
        return [try body(try MPIEnvironment.worldCommunicator())]
    }
}
