import Autograd
import Foundation
import MPI
import NN
import XCTest

@testable import Training

/// The bucketed sum of gradients across ranks on the gradient stream: every rank
/// ends with the exact sum (all of it when replicated, its share when sharded),
/// buckets go out in the same order on every rank whatever order the backward pass
/// finishes them in, and overlap changes when they go out, not what they sum.
final class GradientSumTests: XCTestCase {
    private static let shapes: [[Int]] = [[3, 2], [4], [2, 2, 2], [1], [5]]

    /// Rank `rank`'s gradient of parameter `index`: dyadic values, so sums over ranks are exact.
    /// Parameter 3 is unused on every rank; parameter 4 is unused on rank 0 only.
    private static func gradient(rank: Int, index: Int, round: Int = 0) -> Tensor? {
        if index == 3 || (index == 4 && rank == 0) { return nil }
        let count = shapes[index].reduce(1, *)
        let values = (0..<count).map { Float(rank + 1) * 0.5 + Float(index) * 0.25 + Float($0) * 0.125 + Float(round) * 8 }
        return Tensor(shape: shapes[index], scalars: values)
    }

    /// The sum over `ranks` ranks of every parameter's gradient, laid end to end.
    private static func expectedFlatSum(ranks: Int, round: Int = 0) -> [Float] {
        shapes.indices.flatMap { index -> [Float] in
            var sum = [Float](repeating: 0, count: shapes[index].reduce(1, *))
            for rank in 0..<ranks {
                guard let gradient = gradient(rank: rank, index: index, round: round) else { continue }
                for (i, value) in gradient.scalars.enumerated() { sum[i] += value }
            }
            return sum
        }
    }

    /// Every rank's flat gradient after `rounds` updates' sums, with its share; rank r adds its
    /// loss's terms in an order of its own (reversed on odd ranks).
    private func summedGradients(ranks: Int, settings: CommunicationSettings, rounds: Int = 1) throws -> [(share: Range<Int>, values: [Float])] {
        try ThreadGroup.run(ranks: ranks) { comm -> (share: Range<Int>, values: [Float]) in
            let network = try parameterNetwork(Self.shapes, comm: comm)
            let updater = try makeUpdater(comm, settings)
            let order = comm.rank % 2 == 0 ? Array(Self.shapes.indices) : Self.shapes.indices.reversed()
            for round in 0..<rounds {
                let gradients = Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0, round: round) }
                try updater.sumGradients(of: linearLoss(network.parameters.named, gradients: gradients, order: order), networks: [network])
            }
            return (network.synchronizer.ownShare, network.parameters.gradients.scalars)
        }
    }

    func testEveryRankGetsTheExactSumOnOneTwoAndThreeRanksForEitherSplitAndBucketSize() throws {
        for split in UpdateSplit.allCases {
            for bucketBytes in [16, 1 << 20] {
                for ranks in 1...3 {
                    let expected = Self.expectedFlatSum(ranks: ranks)
                    let results = try summedGradients(ranks: ranks, settings: CommunicationSettings(bucketBytes: bucketBytes, split: split))
                    for (rank, result) in results.enumerated() {
                        let range = split == .replicated ? 0..<24 : result.share
                        XCTAssertEqual(Array(result.values[range]), Array(expected[range]), "\(split), \(bucketBytes) B buckets, \(ranks) ranks, rank \(rank)")
                    }
                }
            }
        }
    }

    /// Rank order matters in float32: (1e8 + −1e8) + 1 is 1, while adding 1 to either large
    /// term first loses it (the spacing of floats near 1e8 is 8). Every element of every
    /// bucket, vector lanes and tail, whichever rank owns it, must come out 1.
    func testGradientsAreAddedInRankOrder() throws {
        let shapes: [[Int]] = [[37], [5]]
        let terms: [Float] = [1e8, -1e8, 1]
        for split in UpdateSplit.allCases {
            for bucketBytes in [16, 1 << 20] {
                let results = try ThreadGroup.run(ranks: 3) { comm -> (share: Range<Int>, values: [Float]) in
                    let network = try parameterNetwork(shapes, comm: comm)
                    let updater = try makeUpdater(comm, CommunicationSettings(bucketBytes: bucketBytes, split: split))
                    let gradients = shapes.map { Tensor(repeating: terms[comm.rank], shape: $0) }
                    try updater.sumGradients(of: linearLoss(network.parameters.named, gradients: gradients, order: [0, 1]), networks: [network])
                    return (network.synchronizer.ownShare, network.parameters.gradients.scalars)
                }
                for (rank, result) in results.enumerated() {
                    let range = split == .replicated ? 0..<42 : result.share
                    XCTAssertEqual(Array(result.values[range]), Array(repeating: 1, count: range.count), "\(split), \(bucketBytes) B buckets, rank \(rank)")
                }
            }
        }
    }

    func testUnusedParametersSumToZeroAndASecondRoundReplacesTheFirst() throws {
        let expected = Self.expectedFlatSum(ranks: 3, round: 1)
        XCTAssertEqual(Array(expected[18..<24]), [0, 20.5, 20.75, 21, 21.25, 21.5])
        let results = try summedGradients(ranks: 3, settings: CommunicationSettings(bucketBytes: 16), rounds: 2)
        for result in results { XCTAssertEqual(result.values, expected) }
    }

    /// Ranks finish their parameters' gradients in opposite orders and every parameter is its
    /// own bucket of a different size: issued as they finish, the ranks' collectives would not
    /// match (wrong sums, a count mismatch, or with MPI a hang). Run with a deadline.
    func testBucketsGoOutInTheSameOrderOnEveryRankWhateverOrderTheyFinishIn() throws {
        let shapes: [[Int]] = (1...8).map { [$0 * 3] }
        let finished = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let thread = Thread {
            outcome.result = Result {
                try ThreadGroup.run(ranks: 2) { comm -> [Float] in
                    let network = try parameterNetwork(shapes, comm: comm)
                    let updater = try makeUpdater(comm, CommunicationSettings(bucketBytes: 4))
                    let order = comm.rank == 0 ? Array(shapes.indices) : shapes.indices.reversed()
                    let gradients = shapes.indices.map { index in Tensor(repeating: Float(index + 1) * Float(comm.rank + 1), shape: shapes[index]) }
                    try updater.sumGradients(of: linearLoss(network.parameters.named, gradients: gradients, order: order), networks: [network])
                    return network.parameters.gradients.scalars
                }
            }
            finished.signal()
        }
        thread.start()
        guard finished.wait(timeout: .now() + 120) == .success else { return XCTFail("the ranks did not finish within 120 s (mismatched buckets)") }
        let expected = shapes.indices.flatMap { Array(repeating: Float($0 + 1) * 3, count: shapes[$0][0]) }
        for result in try XCTUnwrap(outcome.result).get() { XCTAssertEqual(result, expected) }
    }

    func testWithOverlapBucketsAreIssuedDuringTheBackwardPassAndWithoutItAfterwards() throws {
        for overlap in [true, false] {
            let spans = try ThreadGroup.run(ranks: 2) { comm -> [(name: String, start: UInt64, end: UInt64)] in
                let timeline = try Timeline.recording(comm: comm)
                let network = try parameterNetwork(Self.shapes, comm: comm)
                let updater = try makeUpdater(comm, CommunicationSettings(overlap: overlap, bucketBytes: 16), timeline: timeline)
                let gradients = Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0) }
                try updater.sumGradients(of: linearLoss(network.parameters.named, gradients: gradients, order: Array(Self.shapes.indices)), networks: [network])
                return timeline.recordedSpans.map { ($0.name, $0.start, $0.end) }
            }
            for rankSpans in spans {
                let backward = try XCTUnwrap(rankSpans.first { $0.name == "backward net" })
                let issues = rankSpans.filter { $0.name.hasPrefix("issue net bucket") }
                XCTAssertEqual(issues.count, 4, "\(rankSpans.map(\.name))")
                for issue in issues {
                    let during = issue.start >= backward.start && issue.end <= backward.end
                    XCTAssertEqual(during, overlap, "\(issue.name), overlap \(overlap)")
                }
            }
        }
    }

    /// What the configuration leaves open: on one host no overlap and the sharded split,
    /// across hosts overlap and the replicated split; what it sets stays.
    func testOverlapAndSplitLeftOpenFollowWhereTheRanksRun() throws {
        let open = CommunicationRequest(bucketBytes: 64, compression: .bf16)
        XCTAssertEqual(open.settings(ranksShareOneHost: true), CommunicationSettings(overlap: false, bucketBytes: 64, compression: .bf16, split: .sharded))
        XCTAssertEqual(open.settings(ranksShareOneHost: false), CommunicationSettings(overlap: true, bucketBytes: 64, compression: .bf16, split: .replicated))
        for oneHost in [true, false] {
            XCTAssertEqual(CommunicationRequest(overlap: true, split: .replicated).settings(ranksShareOneHost: oneHost), CommunicationSettings(overlap: true, split: .replicated))
            XCTAssertEqual(CommunicationRequest(overlap: false, split: .sharded).settings(ranksShareOneHost: oneHost), CommunicationSettings(overlap: false, split: .sharded))
        }
        // Thread ranks share one host.
        let decided = try ThreadGroup.run(ranks: 2) { comm in open.settings(for: comm) }
        XCTAssertEqual(decided, Array(repeating: open.settings(ranksShareOneHost: true), count: 2))
    }

    func testANonFiniteGradientOnOneRankIsReportedOnEveryRankNamingTheParameter() throws {
        for split in UpdateSplit.allCases {
            let reports = try ThreadGroup.run(ranks: 3) { comm -> String in
                let network = try parameterNetwork(Self.shapes, comm: comm)
                let updater = try makeUpdater(comm, CommunicationSettings(bucketBytes: 16, split: split))
                var gradients = Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0) }
                // Flat element 12 (parameter 2, in rank 1's share 8..<16) is NaN on rank 2's input.
                if comm.rank == 2 { gradients[2] = Tensor(shape: [2, 2, 2], scalars: [0, 0, .nan, 0, 0, 0, 0, 0]) }
                let loss = linearLoss(network.parameters.named, gradients: gradients, order: Array(Self.shapes.indices))
                do {
                    _ = try updater.update([network], from: loss, step: 0)
                    return "updated"
                } catch TrainingError.nonFinite(_, let name, let what) {
                    return "\(name): \(what)"
                }
            }
            XCTAssertEqual(reports, Array(repeating: "net: gradient of 'p2'", count: 3), "\(split)")
        }
    }
}

/// What the deadline test's thread produced.
private final class Outcome: @unchecked Sendable {
    var result: Result<[[Float]], any Error>?
}
