import ArgumentParser
import Foundation
import Training

/// `tandem sample`: draws samples from a trained generator into .npy or a picture.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw samples from a run's generator: .npy (float32) or .png (image grid or 2-D scatter plot).")

    @Option(help: "The run directory to sample from.") var runDir: String
    @Option(help: "The checkpoint's generator step (default: the newest valid checkpoint).") var step: Int?
    @Flag(help: "Use the generator's moving average (needs a run trained with --ema-decay or --ema-kimg).") var ema = false
    @Option(name: .short, help: "Number of samples.") var n: Int = 64
    @Option(help: "Output file: .npy for the samples themselves, .png for a picture.") var out: String
    @Option(help: "Seed of the latent vectors (default: the run's seed).") var seed: UInt64?
    @Option(help: "Also write the random inputs used (latent vectors, or a generator-free method's source samples) to this .npy file.") var zOut: String?
    @Flag(help: "Accepted for symmetry with other commands; sampling never needs MPI.") var debug = false

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1, got \(n)") }
        guard out.hasSuffix(".npy") || out.hasSuffix(".png") else { throw ValidationError("--out must end in .npy or .png, got '\(out)'") }
        if let zOut, !zOut.hasSuffix(".npy") { throw ValidationError("--z-out must end in .npy, got '\(zOut)'") }
    }

    func run() throws {
        // Sampling is one process's work; under mpirun the other ranks have nothing to do.
        guard LaunchEnvironment.rank == 0 else { return }
        let sampler = try RunSampler(runDirectory: RunDirectory(url: URL(fileURLWithPath: runDir)), step: step, averaged: ema)
        let written = try sampler.write(count: n, seed: seed, to: URL(fileURLWithPath: out), inputsTo: zOut.map(URL.init(fileURLWithPath:)))
        print("wrote \(n) samples of step \(sampler.step)\(ema ? " (EMA)" : "") to \(written.path)")
    }
}
