import TestSupport
import Formats
import Autograd
import Foundation
import XCTest

@testable import Training

final class CheckpointStoreTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: CheckpointStore!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
        store = CheckpointStore(runDirectory: directory.url)
    }

    override func tearDown() {
        directory = nil
    }

    private func names(_ urls: [URL]) -> [String] { urls.map(\.lastPathComponent) }

    private func checkpointNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.root.path).filter { $0.hasPrefix("step-") }.sorted()
    }

    func testDirectoryNamesAreZeroPaddedToSevenDigits() {
        XCTAssertEqual(CheckpointStore.directoryName(step: 0), "step-0000000")
        XCTAssertEqual(CheckpointStore.directoryName(step: 1234), "step-0001234")
        XCTAssertEqual(CheckpointStore.directoryName(step: 12_345_678), "step-12345678")
        XCTAssertEqual(store.checkpoint(step: 12).path, directory.url.appendingPathComponent("checkpoints/step-0000012").path)
    }

    func testWriteThenLoadGivesBackEveryFileWithVerifiedChecksums() throws {
        let contents = CheckpointFixtures.contents(step: 12)
        let written = try store.write(contents)
        XCTAssertEqual(written.lastPathComponent, "step-0000012")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: written.path).sorted(), CheckpointFixtures.files.sorted())

        let loaded = try store.load(written)
        for file in CheckpointFixtures.files where file != "state.json" {
            XCTAssertEqual(try loaded.tensors(file).summary, summary(try XCTUnwrap(contents.tensors(file))), file)
        }
        XCTAssertEqual(loaded.state.step, 12)
        XCTAssertEqual(loaded.state.criticStep, 60)
        XCTAssertEqual(loaded.state.seed, 7)
        XCTAssertEqual(loaded.state.worldSize, 2)
        XCTAssertEqual(loaded.state.globalBatch, 64)
        XCTAssertEqual(loaded.state.sampleShape, [2])
        XCTAssertEqual(loaded.state.format, "tandem-checkpoint/1")
        XCTAssertEqual(loaded.directory.path, written.path)

        XCTAssertEqual(Set(loaded.state.files.keys), Set(CheckpointFixtures.files.filter { $0 != "state.json" }))
        for (file, checksum) in loaded.state.files {
            let data = try Data(contentsOf: written.appendingPathComponent(file))
            XCTAssertEqual(SHA256.hex(of: data), checksum, file)
        }
    }

    func testStateJSONUsesSnakeCaseKeysAndTheFileChecksums() throws {
        let written = try store.write(CheckpointFixtures.contents(step: 3))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: written.appendingPathComponent("state.json"))) as? [String: Any]
        let json = try XCTUnwrap(object)
        XCTAssertEqual(
            Set(json.keys),
            ["format", "step", "critic_step", "phase_steps", "data_step", "method", "seed", "world_size", "global_batch", "sample_shape", "files"])
        XCTAssertEqual(json["critic_step"] as? Int, 15)
        XCTAssertEqual(json["phase_steps"] as? [String: Int], ["critic": 15, "generator": 3])
        XCTAssertEqual((json["files"] as? [String: String])?.count, 4)
    }

    func testSafetensorsFilesCarryTheStepAsMetadata() throws {
        let written = try store.write(CheckpointFixtures.contents(step: 9))
        let data = try Data(contentsOf: written.appendingPathComponent("critic.safetensors"))
        let decoded = try SafeTensors.decode(data, file: "critic.safetensors")
        XCTAssertEqual(decoded.metadata, ["format": "pt", "step": "9"])
        XCTAssertEqual(decoded.entries.map(\.name), ["0.weight", "0.bias"])
    }

    func testACheckpointWithoutEMALoadsWithoutIt() throws {
        let written = try store.write(CheckpointFixtures.contents(step: 4, withEMA: false))
        XCTAssertFalse(FileManager.default.fileExists(atPath: written.appendingPathComponent("generator_ema.safetensors").path))
        let loaded = try store.load(written)
        XCTAssertNil(loaded.files["generator_ema.safetensors"])
        XCTAssertEqual(loaded.state.files.count, 3)
    }

    func testLatestNamesTheNewestWriteAndCandidatesStartThere() throws {
        for step in [1, 3] { try store.write(CheckpointFixtures.contents(step: step)) }
        let latest = store.root.appendingPathComponent("latest")
        XCTAssertEqual(try String(contentsOf: latest, encoding: .utf8), "step-0000003\n")
        XCTAssertEqual(names(store.candidates()), ["step-0000003", "step-0000001"])

        try store.write(CheckpointFixtures.contents(step: 2))
        XCTAssertEqual(try String(contentsOf: latest, encoding: .utf8), "step-0000002\n")
        XCTAssertEqual(names(store.candidates()), ["step-0000002", "step-0000003", "step-0000001"])

        try FileManager.default.removeItem(at: latest)
        XCTAssertEqual(names(store.candidates()), ["step-0000003", "step-0000002", "step-0000001"])
        try "step-0000099\n".write(to: latest, atomically: true, encoding: .utf8)
        XCTAssertEqual(names(store.candidates()), ["step-0000003", "step-0000002", "step-0000001"], "latest naming nothing is ignored")
    }

    func testCandidatesOrderStepsNumericallyPastSevenDigits() throws {
        for step in [10_000_000, 9_999_999, 2] { try store.write(CheckpointFixtures.contents(step: step, withEMA: false)) }
        try FileManager.default.removeItem(at: store.root.appendingPathComponent("latest"))
        XCTAssertEqual(names(store.candidates()), ["step-10000000", "step-9999999", "step-0000002"])
    }

    func testKeepPrunesAllButTheNewest() throws {
        for step in 1...5 { try store.write(CheckpointFixtures.contents(step: step), keep: 2) }
        XCTAssertEqual(try checkpointNames(), ["step-0000004", "step-0000005"])
        try store.write(CheckpointFixtures.contents(step: 6), keep: 0)
        XCTAssertEqual(try checkpointNames(), ["step-0000004", "step-0000005", "step-0000006"], "keep 0 keeps everything")
    }

    func testRewritingAStepReplacesIt() throws {
        try store.write(CheckpointFixtures.contents(step: 5))
        var contents = CheckpointFixtures.contents(step: 5)
        let critic: NamedTensors = [("0.weight", Tensor(shape: [1, 2], scalars: [9, 9])), ("0.bias", Tensor([9]))]
        contents.files = contents.files.map { $0.name == "critic.safetensors" ? (name: $0.name, tensors: critic) : $0 }
        try store.write(contents)
        XCTAssertEqual(try store.load(store.checkpoint(step: 5)).tensors("critic.safetensors").summary, summary(critic))
        XCTAssertEqual(try checkpointNames(), ["step-0000005"])
    }

    func testNoCheckpointsMeansNothingToResume() throws {
        XCTAssertEqual(store.candidates(), [])
        XCTAssertNil(try store.newestValid())
    }

    func testNewestValidReturnsTheNewestWithoutWarnings() throws {
        for step in [1, 2] { try store.write(CheckpointFixtures.contents(step: step)) }
        let found = try XCTUnwrap(try store.newestValid())
        XCTAssertEqual(found.checkpoint.state.step, 2)
        XCTAssertEqual(found.warnings, [])
    }

    func testNoTemporaryDirectoryRemainsAfterWrites() throws {
        for step in 1...3 { try store.write(CheckpointFixtures.contents(step: step), keep: 2) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: store.root.path)
        XCTAssertEqual(entries.filter { $0.hasPrefix(".") }, [])
        XCTAssertEqual(Set(entries), ["latest", "step-0000002", "step-0000003"])
    }
}
