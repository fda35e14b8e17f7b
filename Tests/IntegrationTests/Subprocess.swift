import Foundation
import Synchronization
import XCTest

/// A finished child process: its exit status and what it printed.
struct ProcessOutput {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stderr's non-empty lines.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
}

/// Paths of the package under test and the release binary `./launch setup` builds.
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var launcher: String { root.appendingPathComponent("launch").path }
    /// How to build the binary the integration tests run.
    static let buildCommand = "swift build -c release --product tandem (./launch test builds it too)"

    /// The release build of `tandem` (numeric work in a debug build is far too slow for real
    /// runs): TANDEM_BINARY, else .build/release/tandem. A missing binary, or one built from
    /// this package but older than its sources, is a failure naming the command that builds
    /// it; never a skip, so `swift test` cannot pass without running these tests.
    static func binary() throws -> String {
        let configured = ProcessInfo.processInfo.environment["TANDEM_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
        let path = configured ?? root.appendingPathComponent(".build/release/tandem").path
        if let problem = binaryProblem(path) { throw TestSetupFailure(problem) }
        return path
    }

    /// Why `path` cannot be used (nil when it can). Sources are compared with a binary under this package only.
    private static func binaryProblem(_ path: String) -> String? {
        checkedBinaries.withLock { checked in
            if let known = checked[path] { return known }
            let problem = Package.problem(binary: path, sources: [root.appendingPathComponent("Sources"), root.appendingPathComponent("Package.swift")])
            checked[path] = .some(problem)
            return problem
        }
    }

    private static let checkedBinaries = Mutex<[String: String?]>([:])

    /// Why the binary at `path` cannot be used: missing, or (when it lies under the package
    /// `sources` belong to) older than one of them.
    static func problem(binary path: String, sources: [URL]) -> String? {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: path) else {
            return "no release binary at \(path): run \(buildCommand) in \(root.path)"
        }
        let packageRoot = sources.first?.deletingLastPathComponent().standardizedFileURL.path ?? root.path
        guard URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(packageRoot + "/"),
            let built = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        else { return nil }
        let keys: Set<URLResourceKey> = [.contentModificationDateKey, .isRegularFileKey]
        for source in sources {
            var files = [source]
            if let walker = fm.enumerator(at: source, includingPropertiesForKeys: Array(keys)) {
                files += walker.compactMap { $0 as? URL }
            }
            for file in files {
                guard let values = try? file.resourceValues(forKeys: keys), values.isRegularFile == true,
                    let modified = values.contentModificationDate
                else { continue }
                if modified > built {
                    return "\(path) is stale: \(file.path) changed after it was built; run \(buildCommand) in \(root.path)"
                }
            }
        }
        return nil
    }
}

/// A test that cannot run here. Outside CI that is a skip; under CI=true it is a failure,
/// so a CI run cannot pass with checks silently left out.
enum TestEnvironment {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func unavailable(_ reason: String, isCI: Bool = TestEnvironment.isCI) -> any Error {
        isCI ? TestSetupFailure(reason + " (CI=true: a test that cannot run fails)") : XCTSkip(reason)
    }
}

/// What keeps a test from running: the test fails with this message.
struct TestSetupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `arguments[0]` with the rest as arguments; kills it (and its process group) after `timeout` seconds.
func runProcess(
    _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, timeout: TimeInterval = 300
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = childEnvironment(adding: environment)
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let collected = Collected()
    out.fileHandleForReading.readabilityHandler = { collected.append(out: $0.availableData) }
    err.fileHandleForReading.readabilityHandler = { collected.append(err: $0.availableData) }
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        // mpirun passes SIGTERM on to its ranks; anything still alive after that is killed.
        process.terminate()
        let grace = Date().addingTimeInterval(5)
        while process.isRunning && Date() < grace { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw TimedOut(arguments: arguments, seconds: timeout, stdout: collected.stdout, stderr: collected.stderr)
    }
    process.waitUntilExit()
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    collected.append(out: out.fileHandleForReading.readDataToEndOfFile())
    collected.append(err: err.fileHandleForReading.readDataToEndOfFile())
    return ProcessOutput(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
}

/// This process's environment for a child, plus `extra`. The test process may itself be
/// an MPI singleton: its launcher variables must not reach a child mpirun, which would
/// take itself for a rank of this process's job.
private func childEnvironment(adding extra: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { key, _ in
        !["OMPI_", "PMIX_", "PMI_", "ORTE_", "OPAL_"].contains { key.hasPrefix($0) }
    }
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return environment.merging(extra) { $1 }
}

/// A child that was still running at its deadline (a hang is a failure, never a wait).
struct TimedOut: Error, CustomStringConvertible {
    let arguments: [String]
    let seconds: TimeInterval
    let stdout: String
    let stderr: String
    var description: String {
        "\(arguments.joined(separator: " ")) still running after \(Int(seconds)) s; stdout: \(stdout.suffix(2000)) stderr: \(stderr.suffix(2000))"
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    func append(out data: Data) { lock.withLock { out.append(data) } }
    func append(err data: Data) { lock.withLock { err.append(data) } }
    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}

/// A child started in the background, to be signalled or killed while it runs.
final class BackgroundProcess {
    let process = Process()
    private let collected = Collected()
    private let out = Pipe()
    private let err = Pipe()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = childEnvironment(adding: environment)
        process.standardOutput = out
        process.standardError = err
        let collected = self.collected
        out.fileHandleForReading.readabilityHandler = { collected.append(out: $0.availableData) }
        err.fileHandleForReading.readabilityHandler = { collected.append(err: $0.availableData) }
        try process.run()
    }

    /// Waits until `condition` holds (polling), or fails after `timeout` seconds.
    func wait(until condition: () -> Bool, timeout: TimeInterval, what: String) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline, process.isRunning else {
                throw TimedOut(arguments: [what], seconds: timeout, stdout: collected.stdout, stderr: collected.stderr)
            }
            usleep(20_000)
        }
    }

    /// Waits for the child to end (killing it after `timeout` seconds) and returns what it printed.
    func finish(timeout: TimeInterval = 300) throws -> ProcessOutput {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            usleep(500_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw TimedOut(arguments: process.arguments ?? [], seconds: timeout, stdout: collected.stdout, stderr: collected.stderr)
        }
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collected.append(out: out.fileHandleForReading.readDataToEndOfFile())
        collected.append(err: err.fileHandleForReading.readDataToEndOfFile())
        return ProcessOutput(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
    }
}

/// Process ids of running processes whose command line contains `pattern`.
func processIDs(matching pattern: String) throws -> [Int32] {
    let output = try runProcess(["pgrep", "-f", pattern])
    return output.stdout.split(separator: "\n").compactMap { Int32($0) }
}
