import MPI
import XCTest

@testable import Training

/// The collective self-test (`tandem selftest`) on ranks as threads, and one thread
/// rank against the local communicator and real MPI.
final class CollectiveSelfTestTests: XCTestCase {
    private let sizes = [0, 1, 7, 1000]

    func testEveryCollectiveGivesTheExpectedResultOnEveryRankForOneToFiveThreads() throws {
        let test = CollectiveSelfTest(sizes: sizes)
        for ranks in 1...5 {
            let outcomes = try ThreadGroup.run(ranks: ranks) { try test.run(on: $0) }
            for (rank, outcome) in outcomes.enumerated() {
                XCTAssertEqual(outcome.failures, [], "\(ranks) ranks, rank \(rank)")
                XCTAssertGreaterThan(outcome.checks, 100)
            }
        }
    }

    func testOneThreadRankMatchesTheLocalCommunicatorAndRealMPIBitForBit() throws {
        let test = CollectiveSelfTest(sizes: sizes)
        let threaded = try ThreadGroup.run(ranks: 1) { try test.run(on: $0).digests }[0]
        let local = try test.run(on: LocalCommunicator()).digests
        let mpi = try test.run(on: MPIEnvironment.worldCommunicator()).digests
        XCTAssertEqual(threaded, local)
        for (name, digest) in threaded {
            XCTAssertEqual(mpi[name], digest, name)
        }
    }
}
