import ArgumentParser

/// `tandem bench ...`: measurements printed as one JSON object per line.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed; prints one JSON object per line.",
        subcommands: [AllreduceBenchCommand.self, OpsBenchCommand.self, StepBenchCommand.self, SgemmBenchCommand.self, AugmentBenchCommand.self])
}
