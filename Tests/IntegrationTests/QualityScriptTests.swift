import Foundation
import XCTest

/// bench/quality.sh at a tiny budget: it trains a preset on 2 ranks with a checkpoint every
/// EVERY steps, evaluates each checkpoint, and reports the first one that meets the target
/// (with its training time from metrics.jsonl) or that none did.
final class QualityScriptTests: XCTestCase {
    private func quality(_ out: URL, target: String) throws -> (table: String, record: [String: Any]) {
        let output = try runProcess(
            [Package.root.appendingPathComponent("bench/quality.sh").path, "default"],
            environment: [
                "TANDEM_BINARY": try Package.binary(), "OUT": out.path, "STEPS": "20", "EVERY": "10", "TOY_SECONDS": "240", "TARGET": target,
            ],
            timeout: 400)
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        let lines = try String(contentsOf: out.appendingPathComponent("quality.jsonl"), encoding: .utf8).split(separator: "\n")
        let record = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any] ?? [:]
        return (output.stdout, record)
    }

    func testTheFirstCheckpointMeetingTheTargetIsReportedWithItsTime() throws {
        let runs = try TrainingRuns("quality-script")
        defer { runs.remove() }
        let out = runs.directory("quality")

        // Any generator covers at least 0 modes: met at the first checkpoint.
        let easy = try quality(out, target: "modes 0 0")
        XCTAssertEqual(easy.record["reached"] as? Bool, true, "\(easy.record)")
        XCTAssertEqual(easy.record["step_to_target"] as? Int, 10)
        let metrics = try String(contentsOf: out.appendingPathComponent("default/metrics.jsonl"), encoding: .utf8)
        let logged = try metrics.split(separator: "\n").compactMap { line -> Double? in
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return entry["step"] as? Int == 10 && entry["eval_samples"] == nil ? entry["time"] as? Double : nil
        }
        XCTAssertEqual(easy.record["seconds_to_target"] as? Double, try XCTUnwrap(logged.first, metrics))
        let final = try XCTUnwrap(easy.record["final"] as? [String: Any])
        XCTAssertEqual(final["step"] as? Int, 20)
        XCTAssertEqual(final["eval_samples"] as? Int, 2500)
        XCTAssertEqual(final["eval_ema"] as? Bool, true, "the quick-start preset keeps an EMA; the script evaluates it")
        XCTAssertTrue(easy.table.contains("| default | 0 modes, >= 0.0% | "), easy.table)

        // No generator covers 9 of 8 modes.
        let impossible = try quality(out, target: "modes 9 0")
        XCTAssertEqual(impossible.record["reached"] as? Bool, false, "\(impossible.record)")
        XCTAssertTrue(impossible.record["seconds_to_target"] is NSNull, "\(impossible.record)")
        XCTAssertTrue(impossible.table.contains("| not reached | "), impossible.table)
    }

    func testAnUnknownPresetIsOneLineAndExitCodeTwo() throws {
        let output = try runProcess([Package.root.appendingPathComponent("bench/quality.sh").path, "cifar"], environment: ["OUT": "/tmp/unused"])
        XCTAssertEqual(output.status, 2)
        XCTAssertEqual(output.errorLines, ["quality.sh: unknown preset 'cifar' (expected default, ring, grid or mnist)"])
    }
}
