import ArgumentParser
import Foundation
import MPI
import Training

/// `tandem selftest`: every collective, every element type, and the differentiable
/// gather and sum (forward, first and second order), checked on every rank.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check every collective, and the differentiable gather and sum, on every rank with known inputs.")

    @OptionGroup var ranks: RankOptions

    @Option(parsing: .upToNextOption, help: "Element counts to test each collective with.")
    var sizes: [Int] = [0, 1, 7, 1_000_000]

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--sizes must be non-negative counts") }
    }

    func run() throws {
        let test = CollectiveSelfTest(sizes: sizes)
        let passed = try ranks.run { comm -> Bool in
            let outcome = try test.run(on: comm)
            var failures = (outcome.failures + DifferentiableGatherCheck().run(on: comm)).map { "rank \(comm.rank): \($0)" }
            if comm is MPICommunicator, comm.size > 1 {
                // The thread-backed communicator must give this rank exactly what MPI gave it.
                let threaded = try ThreadGroup.run(ranks: comm.size) { try test.run(on: $0).digests }[comm.rank]
                for (name, digest) in threaded.sorted(by: { $0.key < $1.key }) where outcome.digests[name] != digest {
                    failures.append("rank \(comm.rank): \(name): thread communicator differs from MPI")
                }
            }
            for failure in failures { FileHandle.standardError.write(Data("selftest: \(failure)\n".utf8)) }
            let failedSomewhere = try comm.any(!failures.isEmpty)
            if comm.rank == 0 {
                print(failedSomewhere ? "selftest FAILED on \(comm.size) ranks" : "selftest passed on \(comm.size) ranks")
            }
            return !failedSomewhere
        }
        if !passed.allSatisfy({ $0 }) { throw ExitCode(1) }
    }
}
