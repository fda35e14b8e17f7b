import MPI
import XCTest

@testable import Training

final class AgreementTests: XCTestCase {
    private struct Broken: Error, CustomStringConvertible {
        let description: String
    }

    /// What one rank saw: its value, or the failure it was told of.
    private struct Outcome: Sendable, Equatable {
        var value: Int?
        var failingRank: Int?
        var message: String?
        var hasUnderlyingError = false
        /// A collective after the agreement, to show no rank was left behind.
        var sumAfterwards: Int32
    }

    private func agree(ranks: Int, failing: [Int: String]) throws -> [Outcome] {
        try ThreadGroup.run(ranks: ranks) { comm in
            var outcome = Outcome(sumAfterwards: 0)
            do {
                outcome.value = try comm.agree {
                    if let message = failing[comm.rank] { throw Broken(description: message) }
                    return 10 * comm.rank
                }
            } catch let failure as RankFailure {
                outcome.failingRank = failure.rank
                outcome.message = failure.message
                outcome.hasUnderlyingError = failure.underlying is Broken
            }
            outcome.sumAfterwards = try comm.allreduce(Int32(1), .sum)
            return outcome
        }
    }

    func testWithoutFailuresEveryRankGetsItsOwnValue() throws {
        for ranks in 1...3 {
            let outcomes = try agree(ranks: ranks, failing: [:])
            XCTAssertEqual(outcomes.map(\.value), (0..<ranks).map { 10 * $0 })
            XCTAssertEqual(outcomes.map(\.failingRank), Array(repeating: nil, count: ranks))
            XCTAssertEqual(outcomes.map(\.sumAfterwards), Array(repeating: Int32(ranks), count: ranks))
        }
    }

    func testOneFailingRankMakesEveryRankThrowItsMessage() throws {
        let outcomes = try agree(ranks: 3, failing: [2: "rank 2: data file truncated"])
        for (rank, outcome) in outcomes.enumerated() {
            XCTAssertNil(outcome.value, "rank \(rank)")
            XCTAssertEqual(outcome.failingRank, 2, "rank \(rank)")
            XCTAssertEqual(outcome.message, "rank 2: data file truncated", "rank \(rank)")
            XCTAssertEqual(outcome.hasUnderlyingError, rank == 2, "only the failing rank keeps the original error")
            XCTAssertEqual(outcome.sumAfterwards, 3, "rank \(rank) still meets the others")
        }
    }

    func testTheLowestFailingRanksMessageWins() throws {
        let outcomes = try agree(ranks: 3, failing: [1: "first", 2: "second"])
        XCTAssertEqual(outcomes.map(\.failingRank), [1, 1, 1])
        XCTAssertEqual(outcomes.map(\.message), ["first", "first", "first"])
        XCTAssertEqual(outcomes.map(\.hasUnderlyingError), [false, true, false])
    }

    func testAFailureWithAnEmptyMessageStillNamesItsRank() throws {
        let outcomes = try agree(ranks: 3, failing: [2: ""])
        XCTAssertEqual(outcomes.map(\.failingRank), [2, 2, 2])
        XCTAssertEqual(outcomes.map(\.message), ["", "", ""])
    }

    func testASingleRankFailureIsRethrownAsARankFailure() throws {
        let outcomes = try agree(ranks: 1, failing: [0: "alone"])
        XCTAssertEqual(outcomes, [Outcome(value: nil, failingRank: 0, message: "alone", hasUnderlyingError: true, sumAfterwards: 1)])
    }
}
