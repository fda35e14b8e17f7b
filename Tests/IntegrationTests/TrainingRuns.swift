import Foundation
import XCTest

/// Short real training runs of the release binary under mpirun, in a scratch directory.
struct TrainingRuns {
    let scratch: URL

    init(_ name: String) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: scratch)
    }

    func directory(_ name: String) -> URL { scratch.appendingPathComponent(name) }

    /// `tandem ARGS` on `ranks` ranks (one BLAS thread each, oversubscribed if need be).
    func tandem(ranks: Int, _ arguments: [String], timeout: TimeInterval = 300) throws -> ProcessOutput {
        try runProcess(
            ["mpirun", "-q", "-np", "\(ranks)", "--oversubscribe", "--allow-run-as-root", "-x", "OPENBLAS_NUM_THREADS=1", try Package.binary()]
                + arguments, timeout: timeout)
    }

    /// Trains and asserts success; returns the run directory.
    @discardableResult
    func train(_ name: String, ranks: Int, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let runDirectory = directory(name)
        let output = try tandem(ranks: ranks, ["train", "--run-dir", runDirectory.path] + arguments)
        XCTAssertEqual(output.status, 0, "\(name): \(output.stderr)", file: file, line: line)
        XCTAssertTrue(output.stdout.contains("parameters identical on every rank"), "\(name): \(output.stdout)", file: file, line: line)
        return runDirectory
    }

    func checkpointFile(_ run: URL, step: Int, _ file: String) throws -> SafeTensorsFile {
        let name = "step-" + String(format: "%07d", step)
        return try SafeTensorsFile(contentsOf: run.appendingPathComponent("checkpoints/\(name)/\(file).safetensors"))
    }
}
