import Foundation
import XCTest

/// The integration tests refuse a missing or stale release binary (instead of skipping,
/// or testing old code), and under CI=true a test that cannot run is a failure.
final class PackageBinaryTests: XCTestCase {
    private func package() throws -> (root: URL, binary: URL, source: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-package-\(UUID().uuidString)")
        let source = root.appendingPathComponent("Sources/Data/Plot.swift")
        try FileManager.default.createDirectory(at: source.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".build/release"), withIntermediateDirectories: true)
        try "let x = 1\n".write(to: source, atomically: true, encoding: .utf8)
        let binary = root.appendingPathComponent(".build/release/tandem")
        try "#!/bin/sh\n".write(to: binary, atomically: true, encoding: .utf8)
        chmod(binary.path, 0o755)
        return (root, binary, source)
    }

    private func setModified(_ url: URL, secondsAgo: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-secondsAgo)], ofItemAtPath: url.path)
    }

    func testAMissingBinaryIsAFailureThatNamesTheBuildCommand() {
        let problem = Package.problem(binary: "/nonexistent/tandem", sources: [Package.root.appendingPathComponent("Sources")])
        XCTAssertEqual(problem, "no release binary at /nonexistent/tandem: run \(Package.buildCommand) in \(Package.root.path)")
    }

    func testABinaryOlderThanASourceIsStaleAndANewerOneIsNot() throws {
        let (root, binary, source) = try package()
        defer { try? FileManager.default.removeItem(at: root) }
        let sources = [root.appendingPathComponent("Sources"), root.appendingPathComponent("Package.swift")]
        try setModified(binary, secondsAgo: 60)
        try setModified(source, secondsAgo: 10)
        let stale = try XCTUnwrap(Package.problem(binary: binary.path, sources: sources))
        XCTAssertTrue(stale.hasPrefix("\(binary.path) is stale: \(source.path) changed after it was built"), stale)
        XCTAssertTrue(stale.contains("swift build -c release --product tandem"), stale)
        try setModified(source, secondsAgo: 120)
        XCTAssertNil(Package.problem(binary: binary.path, sources: sources))
    }

    func testABinaryFromElsewhereIsNotComparedWithTheseSources() throws {
        let (root, binary, source) = try package()
        defer { try? FileManager.default.removeItem(at: root) }
        try setModified(binary, secondsAgo: 60)
        XCTAssertNil(Package.problem(binary: binary.path, sources: [Package.root.appendingPathComponent("Sources")]), "\(source.path)")
    }

    func testUnderCIATestThatCannotRunFailsInsteadOfSkipping() {
        XCTAssertTrue(TestEnvironment.unavailable("no namespaces", isCI: false) is XCTSkip)
        let failure = TestEnvironment.unavailable("no namespaces", isCI: true)
        XCTAssertFalse(failure is XCTSkip)
        XCTAssertTrue("\(failure)".hasPrefix("no namespaces"), "\(failure)")
    }
}
