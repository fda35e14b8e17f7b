/// How `tandem train` runs beyond its configuration.
public struct TrainerOptions: Sendable {
    /// Continue from the run directory's newest valid checkpoint.
    public var resume: Bool
    /// Debug mode: check losses for NaN/Inf and compare parameter hashes across ranks every step.
    public var debugChecks: Bool
    /// Rank 0 draws an updating progress line on a terminal.
    public var showProgress: Bool

    public init(resume: Bool = false, debugChecks: Bool = false, showProgress: Bool = true) {
        self.resume = resume
        self.debugChecks = debugChecks
        self.showProgress = showProgress
    }
}
