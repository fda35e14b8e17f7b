import Data
import Foundation
import XCTest

final class ShardedSamplerTests: XCTestCase {
    func testRankSlicesConcatenateToTheGlobalBatchForEveryWorldSize() throws {
        for worldSize in 1...5 {
            for batch in [5, 7, 8, 13, 64] where batch >= worldSize {
                let sampler = try ShardedSampler(datasetCount: 100, globalBatch: batch, worldSize: worldSize, seed: 3)
                for step in [0, 1, 7, 30] {
                    let joined = (0..<worldSize).flatMap { sampler.localIndices(step: step, rank: $0) }
                    XCTAssertEqual(joined, sampler.globalIndices(step: step), "R=\(worldSize) B=\(batch) step \(step)")
                }
            }
        }
    }

    func testShardSizesDifferByAtMostOneWithExtrasOnTheFirstRanks() {
        XCTAssertEqual((0..<3).map { ShardedSampler.shard(batchSize: 64, rank: $0, worldSize: 3) }, [0..<22, 22..<43, 43..<64])
        XCTAssertEqual((0..<5).map { ShardedSampler.shard(batchSize: 7, rank: $0, worldSize: 5) }, [0..<2, 2..<4, 4..<5, 5..<6, 6..<7])
        for worldSize in 1...5 {
            for batch in worldSize...40 {
                let shards = (0..<worldSize).map { ShardedSampler.shard(batchSize: batch, rank: $0, worldSize: worldSize) }
                XCTAssertEqual(shards.first?.lowerBound, 0)
                XCTAssertEqual(shards.last?.upperBound, batch)
                for k in 1..<worldSize { XCTAssertEqual(shards[k].lowerBound, shards[k - 1].upperBound) }
                let sizes = shards.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
                XCTAssertEqual(sizes, sizes.sorted(by: >), "extras go to the first ranks")
            }
        }
    }

    func testDropVisitsEveryIndexOncePerEpochAndSkipsTheTail() throws {
        let sampler = try ShardedSampler(datasetCount: 103, globalBatch: 10, worldSize: 3, seed: 9)
        XCTAssertEqual(sampler.batchesPerEpoch, 10)
        for epoch in 0..<3 {
            let seen = (0..<10).flatMap { sampler.globalIndices(step: epoch * 10 + $0) }
            XCTAssertEqual(seen.count, 100)
            XCTAssertEqual(Set(seen).count, 100, "no index repeats within epoch \(epoch)")
            XCTAssertTrue(seen.allSatisfy { (0..<103).contains($0) })
            XCTAssertEqual(sampler.epoch(ofStep: epoch * 10 + 9), epoch)
        }
        let exact = try ShardedSampler(datasetCount: 40, globalBatch: 8, worldSize: 2, seed: 1)
        XCTAssertEqual((0..<5).flatMap { exact.globalIndices(step: $0) }.sorted(), Array(0..<40))
    }

    func testEpochsAreReshuffled() throws {
        let sampler = try ShardedSampler(datasetCount: 50, globalBatch: 50, worldSize: 2, seed: 4)
        let first = sampler.globalIndices(step: 0)
        let second = sampler.globalIndices(step: 1)
        XCTAssertEqual(first.sorted(), Array(0..<50))
        XCTAssertEqual(second.sorted(), Array(0..<50))
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(first, Array(0..<50), "the order is shuffled")
    }

    func testWrapCompletesTheLastBatchFromTheStartOfTheSameEpoch() throws {
        let sampler = try ShardedSampler(datasetCount: 23, globalBatch: 10, worldSize: 4, seed: 2, partialBatch: .wrap)
        XCTAssertEqual(sampler.batchesPerEpoch, 3)
        let batches = (0..<3).map { sampler.globalIndices(step: $0) }
        XCTAssertEqual(Set(batches.flatMap { $0 }), Set(0..<23), "the tail is covered")
        XCTAssertEqual(Set(batches[2].prefix(3)), Set(0..<23).subtracting(batches[0] + batches[1]), "the tail comes first")
        XCTAssertEqual(Array(batches[2].suffix(7)), Array(batches[0].prefix(7)), "wrapped from the epoch's start")
        XCTAssertEqual(sampler.epoch(ofStep: 3), 1)
        let wide = try ShardedSampler(datasetCount: 3, globalBatch: 8, worldSize: 2, seed: 2, partialBatch: .wrap)
        XCTAssertEqual(wide.globalIndices(step: 0).count, 8)
        XCTAssertEqual(Set(wide.globalIndices(step: 0)), [0, 1, 2])
    }

    func testGeneratorBatchesAreConsecutiveIndices() throws {
        let sampler = try ShardedSampler(datasetCount: nil, globalBatch: 6, worldSize: 4, seed: 0)
        XCTAssertNil(sampler.batchesPerEpoch)
        XCTAssertEqual(sampler.epoch(ofStep: 100), 0)
        XCTAssertEqual(sampler.globalIndices(step: 3), Array(18..<24))
        XCTAssertEqual(sampler.localIndices(step: 3, rank: 0), [18, 19])
        XCTAssertEqual(sampler.localIndices(step: 3, rank: 3), [23])
    }

    func testSameSeedGivesSameBatchesAcrossInstancesAndOtherSeedsDiffer() throws {
        let a = try ShardedSampler(datasetCount: 1000, globalBatch: 32, worldSize: 3, seed: 77)
        let b = try ShardedSampler(datasetCount: 1000, globalBatch: 32, worldSize: 1, seed: 77)
        let c = try ShardedSampler(datasetCount: 1000, globalBatch: 32, worldSize: 3, seed: 78)
        for step in [0, 31, 32, 100, 5] {
            XCTAssertEqual(a.globalIndices(step: step), b.globalIndices(step: step), "world size does not change the batch")
        }
        XCTAssertNotEqual(a.globalIndices(step: 0), c.globalIndices(step: 0))
    }

    func testInvalidSettingsAreTypedOneLineErrors() {
        func error(_ body: () throws -> ShardedSampler) -> SamplerError? {
            do { _ = try body() } catch { return error as? SamplerError }
            return nil
        }
        XCTAssertEqual(error { try ShardedSampler(datasetCount: 10, globalBatch: 0, worldSize: 1, seed: 0) }, .batchSizeTooSmall(batchSize: 0))
        XCTAssertEqual(error { try ShardedSampler(datasetCount: 10, globalBatch: 4, worldSize: 0, seed: 0) }, .worldSizeTooSmall(worldSize: 0))
        let tooFew = error { try ShardedSampler(datasetCount: 10, globalBatch: 2, worldSize: 3, seed: 0) }
        XCTAssertEqual(tooFew, .batchSmallerThanWorld(batchSize: 2, worldSize: 3))
        XCTAssertEqual(tooFew?.description, "batch size 2 is smaller than the 3 ranks: every rank needs at least one sample")
        XCTAssertEqual(error { try ShardedSampler(datasetCount: 0, globalBatch: 4, worldSize: 1, seed: 0) }, .emptyDataset)
        XCTAssertEqual(
            error { try ShardedSampler(datasetCount: 10, globalBatch: 11, worldSize: 1, seed: 0) },
            .batchLargerThanDataset(batchSize: 11, datasetCount: 10))
        XCTAssertNil(error { try ShardedSampler(datasetCount: 10, globalBatch: 11, worldSize: 1, seed: 0, partialBatch: .wrap) })
        for e in [SamplerError.emptyDataset, .batchLargerThanDataset(batchSize: 11, datasetCount: 10), .batchSizeTooSmall(batchSize: -1)] {
            XCTAssertFalse(e.description.contains("\n"))
        }
    }

    func testConcurrentReadersAgree() throws {
        let sampler = try ShardedSampler(datasetCount: 500, globalBatch: 16, worldSize: 2, seed: 5)
        let expected = (0..<64).map { sampler.globalIndices(step: $0) }
        DispatchQueue.concurrentPerform(iterations: 64) { step in
            XCTAssertEqual(sampler.globalIndices(step: (step * 37) % 64), expected[(step * 37) % 64])
        }
    }
}
