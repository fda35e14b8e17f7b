import ArgumentParser
import Foundation
import MPI
import Training

/// The `tandem` command: data-parallel GAN training over MPI.
@main
struct Tandem: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Data-parallel training of generative adversarial networks over MPI.",
        subcommands: [TrainCommand.self, SampleCommand.self, EvalCommand.self, SelftestCommand.self, BenchCommand.self, PlotCommand.self, ClassifierCommand.self])

    /// Parses the command line and runs it. A failure ends as one line on standard
    /// error and exit code 2. Failures all ranks raise together are printed by rank 0
    /// alone; a failure only one rank saw is printed by that rank, which then ends the
    /// whole job so no rank waits forever. Help exits 0.
    static func main() {
        BLASKernelSelection.restartWithBetterKernelsIfNeeded()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Bad arguments: every rank parses the same line, so rank 0 alone reports it.
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if LaunchEnvironment.rank == 0 { printError(oneLine(fullMessage(for: error))) }
            Foundation.exit(2)
        }
        do {
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch where exitCode(for: error) == .success {
            // `tandem help <command>` and `--help` on a subcommand arrive here.
            print(fullMessage(for: error))
            Foundation.exit(0)
        } catch {
            let rank = LaunchEnvironment.rank
            if error is RaisedOnEveryRank {
                if rank == 0 { printError(oneLine("\(error)")) }
            } else if LaunchEnvironment.size > 1 {
                printError("rank \(rank): " + oneLine("\(error)"))
                MPIEnvironment.abortJobIfShared(code: 2)
            } else {
                printError(oneLine("\(error)"))
            }
            Foundation.exit(2)
        }
    }

    /// The first line of an error's text, without ArgumentParser's "Error: " prefix.
    private static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n").first.map(String.init) ?? text
        return first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }
}

/// What the MPI launcher told this process before MPI is initialized.
enum LaunchEnvironment {
    /// This process's rank as the launcher set it (0 when not under a launcher).
    static var rank: Int { integer(["OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"]) ?? 0 }
    /// The job's number of ranks as the launcher set it (1 when not under a launcher).
    static var size: Int { integer(["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"]) ?? 1 }

    private static func integer(_ names: [String]) -> Int? {
        for name in names {
            if let value = ProcessInfo.processInfo.environment[name], let n = Int(value) { return n }
        }
        return nil
    }
}
