/// How `tandem train` runs beyond its configuration.
public struct TrainerOptions: Sendable {
    /// Continue from the run directory's newest valid checkpoint.
    public var resume: Bool
    /// Debug mode: check losses for NaN/Inf and compare parameter hashes across ranks every step.
    public var debugChecks: Bool
    /// Rank 0 draws an updating progress line on a terminal.
    public var showProgress: Bool
    /// A new run in a directory that holds one moves the old run aside (otherwise it is an error).
    public var startOver: Bool

    public init(resume: Bool = false, debugChecks: Bool = false, showProgress: Bool = true, startOver: Bool = false) {
        self.resume = resume
        self.debugChecks = debugChecks
        self.showProgress = showProgress
        self.startOver = startOver
    }
}
