import XCTest

@testable import MPI

final class ThreadCommunicatorTests: XCTestCase {
    func testFloatSumsAreAddedInRankOrderSoEveryRankGetsTheSameBits() throws {
        // 0.1 + 0.2 + 0.3 differs from other orders in the last bit; all ranks must agree.
        let values: [Float] = [0.1, 0.2, 0.3, 1e-8]
        let results = try ThreadGroup.run(ranks: 4) { comm -> [Float] in
            var mine = [values[comm.rank], -values[comm.rank], 1]
            try comm.allreduce(&mine, .sum)
            return mine
        }
        let expected = ((values[0] + values[1]) + values[2]) + values[3]
        for result in results {
            XCTAssertEqual(result[0].bitPattern, expected.bitPattern)
            XCTAssertEqual(result, results[0])
        }
    }

    func testMismatchedCountsFailOnEveryRankInsteadOfHanging() throws {
        XCTAssertThrowsError(
            try ThreadGroup.run(ranks: 3) { comm in
                var values = [Float](repeating: 1, count: comm.rank == 1 ? 5 : 4)
                try comm.allreduce(&values, .sum)
            }
        ) { error in
            XCTAssertTrue("\(error)".contains("allreduce: rank"), "\(error)")
        }
    }

    func testARankThatThrowsReleasesThePeersWaitingInACollective() throws {
        struct Boom: Error {}
        XCTAssertThrowsError(
            try ThreadGroup.run(ranks: 3) { comm in
                if comm.rank == 2 { throw Boom() }
                try comm.barrier()
            }
        ) { error in
            XCTAssertTrue(error is Boom, "the failing rank's own error comes back first, got \(error)")
        }
    }

    func testBroadcastFromAnInvalidRootIsRejected() throws {
        XCTAssertThrowsError(try LocalCommunicator().broadcast(1.0, root: 1)) { error in
            XCTAssertEqual("\(error)", "broadcast: root 1 is not a rank of a group of 1")
        }
    }

    func testAnyIsTrueOnEveryRankWhenOneRankSaysSo() throws {
        let answers = try ThreadGroup.run(ranks: 3) { try $0.any($0.rank == 1) }
        XCTAssertEqual(answers, [true, true, true])
        let none = try ThreadGroup.run(ranks: 3) { try $0.any(false) }
        XCTAssertEqual(none, [false, false, false])
    }
}
