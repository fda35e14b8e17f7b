import ArgumentParser
import Foundation

/// The `tandem` command: data-parallel GAN training over MPI.
@main
struct Tandem: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Data-parallel training of generative adversarial networks over MPI.",
        subcommands: [SelftestCommand.self, BenchCommand.self])

    /// Parses the command line and runs it. Every failure ends as one line on
    /// standard error (printed by rank 0 only) and exit code 2; help exits 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if LaunchEnvironment.rank == 0 {
                let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                FileHandle.standardError.write(Data(("error: " + message.replacingOccurrences(of: "Error: ", with: "") + "\n").utf8))
            }
            Foundation.exit(2)
        }
    }
}

/// What the MPI launcher told this process before MPI is initialized.
enum LaunchEnvironment {
    /// This process's rank as the launcher set it (0 when not under a launcher).
    static var rank: Int {
        for name in ["OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"] {
            if let value = ProcessInfo.processInfo.environment[name], let rank = Int(value) { return rank }
        }
        return 0
    }
}
