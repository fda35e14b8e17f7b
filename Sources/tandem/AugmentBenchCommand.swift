import ArgumentParser
import Formats
import Training

/// `tandem bench augment`: the cost of DiffAugment and ADA in an r1-mnist critic update.
struct AugmentBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "One r1-mnist critic update (DCGAN critic, R1 with its double backward) without augmentation, with DiffAugment and with ADA at p = 1, measured in turn.")

    @Option(help: "Real (and generated) images per update: one rank's share of the global batch.") var batch = 32
    @Option(help: "Timed rounds; each round times every variant once.") var repetitions = 10

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        guard LaunchEnvironment.rank == 0 else { return }
        let results = try AugmentBenchmark(batch: batch, repetitions: repetitions).run()
        let baseline = results.first { $0.variant == .none }?.update ?? 0
        for (variant, update, augmentation) in results {
            var line = JSONLine()
            line["bench"] = "augment"
            line["variant"] = variant.rawValue
            line["batch"] = batch
            line["update_ms"] = update * 1e3
            line["augmentation_ms"] = augmentation * 1e3
            line["update_over_none"] = baseline > 0 ? update / baseline : 0
            print(line.text)
        }
    }
}
