import Foundation

extension Trainer {
    /// Writes the timeline recorded so far to `log.timeline` (rank 0 writes every rank's
    /// spans into one Chrome trace); does nothing when none is configured. Every rank
    /// must call it.
    public func writeTimeline() throws {
        guard let path = config.timeline else { return }
        try updater.timeline.write(to: URL(fileURLWithPath: path), comm: comm)
        say("timeline of \(comm.size) rank\(comm.size == 1 ? "" : "s") written to \(path)")
    }
}
