import TestSupport
import Formats
import Foundation
import XCTest

@testable import Training

/// Damaged checkpoints: `load` names the damaged file, and a resume falls back to the previous checkpoint.
final class CheckpointCorruptionTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: CheckpointStore!
    private var older: URL!
    private var newer: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        store = CheckpointStore(runDirectory: directory.url)
        older = try store.write(CheckpointFixtures.contents(step: 10))
        newer = try store.write(CheckpointFixtures.contents(step: 20))
    }

    override func tearDown() {
        directory = nil
    }

    private func file(_ name: String, in checkpoint: URL? = nil) -> URL {
        (checkpoint ?? newer).appendingPathComponent(name)
    }

    /// Asserts that `load(newer)` throws `expected`, and that `newestValid()` resumes from `older`
    /// with one warning naming the skipped checkpoint and the reason.
    private func assertFallsBack(throwing expected: CheckpointError, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertThrowsError(try store.load(newer), file: file, line: line) {
            XCTAssertEqual($0 as? CheckpointError, expected, file: file, line: line)
        }
        let found = try XCTUnwrap(try store.newestValid(), file: file, line: line)
        XCTAssertEqual(found.checkpoint.state.step, 10, file: file, line: line)
        XCTAssertEqual(
            found.warnings, ["warning: skipping checkpoint \(newer.path): \(expected); resuming from \(older.path)"], file: file, line: line)
    }

    private func checksumMismatch(_ name: String) throws -> CheckpointError {
        let state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: file("state.json")))
        let expected = try XCTUnwrap(state.files[name])
        let found = SHA256.hex(of: try Data(contentsOf: file(name)))
        XCTAssertNotEqual(found, expected)
        return .checksumMismatch(path: file(name).path, expected: expected, found: found)
    }

    func testATruncatedFileFailsItsChecksum() throws {
        let url = file("generator.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        try assertFallsBack(throwing: try checksumMismatch("generator.safetensors"))
    }

    func testAFlippedByteFailsItsChecksum() throws {
        let url = file("critic.safetensors")
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: url)
        let error = try checksumMismatch("critic.safetensors")
        try assertFallsBack(throwing: error)
        XCTAssertTrue("\(error)".hasPrefix("\(url.path): checksum "), "\(error)")
        XCTAssertTrue("\(error)".hasSuffix("recorded in state.json (the file is corrupt or incomplete)"), "\(error)")
    }

    func testAMissingStateFileIsNamed() throws {
        try FileManager.default.removeItem(at: file("state.json"))
        try assertFallsBack(throwing: .missing(path: file("state.json").path))
        XCTAssertEqual("\(CheckpointError.missing(path: file("state.json").path))", "\(file("state.json").path): no such file")
    }

    func testAMissingSafetensorsFileIsNamed() throws {
        try FileManager.default.removeItem(at: file("optimizers.safetensors"))
        try assertFallsBack(throwing: .missing(path: file("optimizers.safetensors").path))
    }

    func testAMissingEMAFileIsNamedWhenStateJSONListsIt() throws {
        try FileManager.default.removeItem(at: file("generator_ema.safetensors"))
        try assertFallsBack(throwing: .missing(path: file("generator_ema.safetensors").path))
    }

    func testGarbageStateJSONIsCorrupt() throws {
        try Data("{ this is not json".utf8).write(to: file("state.json"))
        try assertFallsBack(throwing: .corruptFile(path: file("state.json").path, reason: "not a valid state.json"))
    }

    func testAStateJSONOfAnotherFormatIsCorrupt() throws {
        var state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: file("state.json")))
        state.format = "tandem-checkpoint/0"
        try JSONEncoder().encode(state).write(to: file("state.json"))
        try assertFallsBack(
            throwing: .corruptFile(path: file("state.json").path, reason: "format 'tandem-checkpoint/0', expected 'tandem-checkpoint/1'"))
    }

    func testAStateJSONWithImpossibleValuesIsCorruptNamingTheKey() throws {
        // Values no run writes, which would otherwise reach a reshape or the sampler as they are.
        let edits: [(String, (inout TrainingState) -> Void)] = [
            ("sample_shape [-1]", { $0.sampleShape = [-1] }), ("sample_shape [0, 2]", { $0.sampleShape = [0, 2] }),
            ("sample_shape []", { $0.sampleShape = [] }), ("step -3", { $0.step = -3 }), ("critic_step -1", { $0.criticStep = -1 }),
            ("world_size 0", { $0.worldSize = 0 }), ("global_batch 0", { $0.globalBatch = 0 }),
        ]
        let original = try Data(contentsOf: file("state.json"))
        for (key, edit) in edits {
            var state = try JSONDecoder().decode(TrainingState.self, from: original)
            edit(&state)
            try JSONEncoder().encode(state).write(to: file("state.json"))
            XCTAssertThrowsError(try store.load(newer), key) { error in
                guard case .corruptFile(let path, let reason) = error as? CheckpointError else { return XCTFail("\(key): \(error)") }
                XCTAssertEqual(path, file("state.json").path)
                XCTAssertTrue(reason.contains(key), "\(key): \(reason)")
            }
            XCTAssertEqual(try store.newestValid()?.checkpoint.state.step, 10, key)
        }
    }

    func testAStateJSONWithoutARequiredChecksumIsCorrupt() throws {
        var state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: file("state.json")))
        state.files["critic.safetensors"] = nil
        try JSONEncoder().encode(state).write(to: file("state.json"))
        try assertFallsBack(throwing: .corruptFile(path: file("state.json").path, reason: "no checksum for critic.safetensors"))
    }

    func testEveryCheckpointCorruptIsNoValidCheckpointWithEachReason() throws {
        try FileManager.default.removeItem(at: file("state.json"))
        try FileManager.default.removeItem(at: file("state.json", in: older))
        XCTAssertThrowsError(try store.newestValid()) {
            let reasons = [
                "step-0000020: \(file("state.json").path): no such file", "step-0000010: \(file("state.json", in: older).path): no such file",
            ]
            XCTAssertEqual($0 as? CheckpointError, .noValidCheckpoint(runDirectory: directory.url.path, reasons: reasons))
            XCTAssertEqual("\($0)", "\(directory.url.path): no valid checkpoint to resume from (\(reasons.joined(separator: "; ")))")
        }
    }

    func testTheLatestCheckpointIsTriedFirstEvenWhenOlder() throws {
        try store.write(CheckpointFixtures.contents(step: 15))
        try FileManager.default.removeItem(at: file("state.json", in: store.checkpoint(step: 15)))
        let found = try XCTUnwrap(try store.newestValid())
        XCTAssertEqual(found.checkpoint.state.step, 20, "after latest fails, the newest remaining step is next")
        XCTAssertEqual(found.warnings.count, 1)
        XCTAssertTrue(found.warnings[0].hasPrefix("warning: skipping checkpoint \(store.checkpoint(step: 15).path): "), found.warnings[0])
    }

    // MARK: - Failed writes

    func testAWriteUnderARegularFileFailsNamingTheCheckpoint() throws {
        let blocker = directory.url.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let blocked = CheckpointStore(runDirectory: blocker.appendingPathComponent("run"))
        XCTAssertThrowsError(try blocked.write(CheckpointFixtures.contents(step: 1))) {
            guard case .writeFailed(let path, let reason)? = $0 as? CheckpointError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, blocked.checkpoint(step: 1).path)
            XCTAssertFalse(reason.isEmpty)
            XCTAssertTrue("\($0)".hasPrefix("\(path): cannot write: "), "\($0)")
        }
    }

    /// A failure after the files are written (the final rename, blocked here by a dangling link
    /// at the checkpoint's name) leaves the previous checkpoints and `latest` as they were.
    func testAFailedWriteLeavesThePreviousCheckpointAndNoTemporaryDirectory() throws {
        let target = store.checkpoint(step: 30)
        try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: "/nonexistent/tandem-test")
        XCTAssertThrowsError(try store.write(CheckpointFixtures.contents(step: 30))) {
            guard case .writeFailed(let path, _)? = $0 as? CheckpointError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, target.path)
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: store.root.path)
        XCTAssertEqual(entries.filter { $0.hasPrefix(".tmp-") }, [], "the temporary directory is removed")
        XCTAssertEqual(try String(contentsOf: store.root.appendingPathComponent("latest"), encoding: .utf8), "step-0000020\n")
        XCTAssertEqual(try store.load(newer).state.step, 20)
        let found = try XCTUnwrap(try store.newestValid())
        XCTAssertEqual(found.checkpoint.state.step, 20)
    }
}
