import Foundation

/// Rank 0's view of progress: on a terminal a single updating line (step/total,
/// generator iterations per second, ETA, latest losses); otherwise plain lines.
public final class ProgressReporter {
    private let total: Int
    private let isTerminal: Bool
    private let started = Date()
    private var startStep: Int
    private var lastDraw = Date.distantPast
    private var drewLine = false

    public init(totalSteps: Int, startStep: Int, isTerminal: Bool = ProgressReporter.outputIsTerminal) {
        total = totalSteps
        self.startStep = startStep
        self.isTerminal = isTerminal
    }

    /// Whether standard output is a terminal. Under mpirun every rank's output is a
    /// pseudo-terminal of mpirun's, so there the launcher's TANDEM_TTY decides.
    public static var outputIsTerminal: Bool {
        let environment = ProcessInfo.processInfo.environment
        if environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil {
            return environment["TANDEM_TTY"] == "1"
        }
        return isatty(STDOUT_FILENO) != 0
    }

    /// Generator iterations per second since this reporter started.
    public func rate(at step: Int) -> Double {
        let elapsed = Date().timeIntervalSince(started)
        return elapsed > 0 ? Double(step - startStep) / elapsed : 0
    }

    /// Shows progress at `step` with `summary` (e.g. "D -0.31  G 0.12  GP 0.02"). On a terminal
    /// the line is redrawn at most 10 times a second; otherwise only when `logStep` is true.
    public func update(step: Int, summary: String, logStep: Bool) {
        let rate = rate(at: step)
        let remaining = rate > 0 ? Double(total - step) / rate : 0
        let text = "step \(step)/\(total)  \(String(format: "%.2f", rate)) it/s  ETA \(Self.duration(remaining))  \(summary)"
        if isTerminal {
            guard Date().timeIntervalSince(lastDraw) > 0.1 || step == total else { return }
            lastDraw = Date()
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
            drewLine = true
        } else if logStep {
            writeLine(text)
        }
    }

    /// Ends the updating line so later output starts on its own line.
    public func finish() {
        if isTerminal && drewLine { FileHandle.standardOutput.write(Data("\n".utf8)) }
        drewLine = false
    }

    /// Prints a message on its own line without garbling the progress line.
    public func message(_ text: String) {
        finish()
        writeLine(text)
    }

    private func writeLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
