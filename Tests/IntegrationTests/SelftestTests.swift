import Foundation
import XCTest

/// `tandem selftest` under a real mpirun: every collective checked on every rank.
final class SelftestTests: XCTestCase {
    func testSelftestPassesOnTwoRanks() throws {
        let output = try runProcess(["mpirun", "-q", "-np", "2", "--allow-run-as-root", try Package.binary(), "selftest"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "selftest passed on 2 ranks\n")
    }

    func testSelftestPassesOnThreeOversubscribedRanks() throws {
        let output = try runProcess([
            "mpirun", "-q", "-np", "3", "--oversubscribe", "--allow-run-as-root", "-x", "OPENBLAS_NUM_THREADS=1",
            try Package.binary(), "selftest",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "selftest passed on 3 ranks\n")
    }

    func testTheLauncherRunsTheSelftestOnTwoRanks() throws {
        let output = try runProcess([Package.launcher, "-n", "2", "selftest", "--sizes", "0", "7", "1000"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "selftest passed on 2 ranks\n")
    }

    func testDebugModeRunsWithoutMPIAndEmulatesRanksWithThreads() throws {
        let binary = try Package.binary()
        let single = try runProcess([binary, "selftest", "--debug", "--sizes", "0", "7"])
        XCTAssertEqual(single.stdout, "selftest passed on 1 ranks\n", single.stderr)
        let threads = try runProcess([binary, "selftest", "--debug", "--emulate-ranks", "3", "--sizes", "0", "7", "1000"])
        XCTAssertEqual(threads.stdout, "selftest passed on 3 ranks\n", threads.stderr)
    }

    func testAllreduceBenchmarkPrintsOneJSONLinePerSize() throws {
        let output = try runProcess([
            "mpirun", "-q", "-np", "2", "--allow-run-as-root", try Package.binary(), "bench", "allreduce",
            "--min-bytes", "4096", "--max-bytes", "65536", "--iterations", "5",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        for (line, bytes) in zip(lines, [4096, 8192, 16384, 32768, 65536]) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual(object?["bytes"] as? Int, bytes)
            XCTAssertEqual(object?["ranks"] as? Int, 2)
            XCTAssertNotNil(object?["swift_over_raw_bandwidth"] as? Double)
        }
    }
}
