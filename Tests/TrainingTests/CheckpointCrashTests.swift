import TestSupport
import Autograd
import Foundation
import XCTest

@testable import Training

/// The real file system, recording every call, that can "crash" after its k-th call:
/// that call completes, every later one does nothing and throws (as if the process had died).
private final class CrashingFileSystem: CheckpointFileSystem, @unchecked Sendable {
    struct Crashed: Error {}
    private let real = POSIXCheckpointFileSystem()
    private let lock = NSLock()
    private let root: URL
    private let crashAfter: Int?
    private var calls = 0
    private(set) var log: [String] = []
    var crashed: Bool { lock.withLock { crashAfter.map { calls >= $0 } ?? false } }

    init(root: URL, crashAfter: Int? = nil) {
        self.root = root
        self.crashAfter = crashAfter
    }

    /// Runs `body` unless the process has "crashed", logging `entry` when it ran.
    private func call(_ entry: String, _ body: () throws -> Void) throws {
        try lock.withLock {
            if let crashAfter, calls >= crashAfter { throw Crashed() }
            calls += 1
            log.append(entry)
        }
        try body()
    }

    private func name(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = root.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count + 1)) : path
    }

    func createDirectory(at url: URL) throws { try call("mkdir \(name(url))") { try real.createDirectory(at: url) } }
    func writeDurably(_ data: Data, to url: URL) throws { try call("write \(name(url))") { try real.writeDurably(data, to: url) } }
    func syncDirectory(_ url: URL) throws { try call("sync \(name(url))") { try real.syncDirectory(url) } }
    func rename(_ source: URL, to destination: URL) throws {
        try call("rename \(name(source)) \(name(destination))") { try real.rename(source, to: destination) }
    }
    func removeTree(at url: URL) throws { try call("remove \(name(url))") { try real.removeTree(at: url) } }
    func exists(_ url: URL) -> Bool { real.exists(url) }
    func entries(of directory: URL) -> [String] { real.entries(of: directory) }
}

final class CheckpointCrashTests: XCTestCase {
    /// Step 10 written again with other values (a resume that redoes steps rewrites them).
    private func rewritten() -> CheckpointContents {
        var contents = CheckpointFixtures.contents(step: 10)
        let generator = NamedTensors(Array(contents.tensors("generator.safetensors") ?? []).enumerated().map { index, entry in
            index == 1 ? (name: "0.bias", tensor: Tensor([-1, -2, -3])) : entry
        })
        contents.files = contents.files.map { $0.name == "generator.safetensors" ? (name: $0.name, tensors: generator) : $0 }
        return contents
    }

    func testACrashAfterAnyCallOfRewritingAStepLeavesThatStepLoadableOldOrNew() throws {
        let old = summary(try XCTUnwrap(CheckpointFixtures.contents(step: 10).tensors("generator.safetensors")))
        let new = summary(try XCTUnwrap(rewritten().tensors("generator.safetensors")))
        var completed = false
        for crashPoint in 1...100 where !completed {
            let directory = try TemporaryDirectory()
            try CheckpointStore(runDirectory: directory.url).write(CheckpointFixtures.contents(step: 10))
            let crashing = CrashingFileSystem(root: directory.url, crashAfter: crashPoint)
            do {
                try CheckpointStore(runDirectory: directory.url, fileSystem: crashing).write(rewritten())
                completed = true
            } catch {
                XCTAssertTrue(crashing.crashed, "crash after call \(crashPoint): \(error)")
            }
            // What the next run (a resume) finds.
            let found = try CheckpointStore(runDirectory: directory.url).newestValid()
            let checkpoint = try XCTUnwrap(found, "crash after call \(crashPoint) (\(crashing.log.last ?? "")): no checkpoint left")
            XCTAssertEqual(checkpoint.checkpoint.state.step, 10, "crash after call \(crashPoint)")
            let generator = try checkpoint.checkpoint.tensors("generator.safetensors").summary
            XCTAssertTrue(generator == old || generator == new, "crash after call \(crashPoint): a mix of old and new")
            if completed { XCTAssertEqual(generator, new, "a finished rewrite is the new checkpoint") }
        }
        XCTAssertTrue(completed, "the write never finished")
    }

    func testTheNewCheckpointIsFlushedBeforeItIsPublishedAndTheOldOneGoesOnlyAfterThat() throws {
        let directory = try TemporaryDirectory()
        try CheckpointStore(runDirectory: directory.url).write(CheckpointFixtures.contents(step: 10))
        let recording = CrashingFileSystem(root: directory.url)
        try CheckpointStore(runDirectory: directory.url, fileSystem: recording).write(rewritten())
        let log = recording.log
        func index(_ predicate: (String) -> Bool, _ what: String) throws -> Int {
            try XCTUnwrap(log.firstIndex(where: predicate), "\(what) never happens in \(log)")
        }
        let publish = try index({ $0.hasPrefix("rename checkpoints/.tmp-step-0000010") && $0.hasSuffix(" checkpoints/step-0000010") }, "publishing rename")
        let flushTemporary = try index({ $0.hasPrefix("sync checkpoints/.tmp-step-0000010") }, "fsync of the temporary directory")
        XCTAssertLessThan(flushTemporary, publish, "the temporary directory's entries are flushed before the rename: \(log)")
        for (k, entry) in log.enumerated() where entry.hasPrefix("write checkpoints/.tmp-") {
            XCTAssertLessThan(k, flushTemporary, "\(entry) comes after the directory flush: \(log)")
        }
        let flushParent = try index({ $0 == "sync checkpoints" }, "fsync of checkpoints/")
        XCTAssertGreaterThan(flushParent, publish, "the rename is flushed: \(log)")
        // The old checkpoint is removed only once the new one is durably in place.
        for (k, entry) in log.enumerated() where entry.hasPrefix("remove") && !entry.contains(".tmp-") {
            XCTAssertGreaterThan(k, flushParent, "\(entry) before the new checkpoint is durable: \(log)")
        }
    }

    func testPruningNeverDeletesTheCheckpointJustWritten() throws {
        // Checkpoints of higher steps already there (an older run, or steps a resume redoes).
        let directory = try TemporaryDirectory()
        let store = CheckpointStore(runDirectory: directory.url)
        try store.write(CheckpointFixtures.contents(step: 500))
        try store.write(CheckpointFixtures.contents(step: 300))
        let written = try store.write(CheckpointFixtures.contents(step: 100), keep: 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: written.appendingPathComponent("state.json").path), "step 100 was pruned")
        XCTAssertEqual(try store.newestValid()?.checkpoint.state.step, 100)
        let left = FileManager.default.entries(store.root).filter { $0.hasPrefix("step-") }
        XCTAssertEqual(left, ["step-0000100"], "keep 1 keeps exactly the checkpoint just written")
    }

    func testLeftoversOfACrashedWriteAreCleanedUpByTheNextOne() throws {
        let directory = try TemporaryDirectory()
        let store = CheckpointStore(runDirectory: directory.url)
        try store.write(CheckpointFixtures.contents(step: 10))
        // A crash in the middle of writing step 20 by another process.
        try FileManager.default.createDirectory(at: store.root.appendingPathComponent(".tmp-step-0000020-99999"), withIntermediateDirectories: true)
        try store.write(CheckpointFixtures.contents(step: 30))
        XCTAssertEqual(FileManager.default.entries(store.root).filter { $0.hasPrefix(".") }, [])
    }
}

extension FileManager {
    /// Sorted entry names of a directory (none when it cannot be listed).
    fileprivate func entries(_ directory: URL) -> [String] {
        ((try? contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }
}
