import Autograd
import XCTest

@testable import Training

/// Buckets are runs of whole parameters from the end of the layout, a small first one,
/// and each bucket's parts cover it in rank order (even parts, or the ranks' shares).
final class BucketPlanTests: XCTestCase {
    private let layout = FlatLayout(names: (0..<6).map { "p\($0)" }, shapes: [[100], [3], [300], [2, 50], [7], [60]])

    func testBucketsAreRunsOfWholeParametersFromTheEndWithASmallFirstBucket() {
        // 400 bytes = 100 floats per bucket, the first 25 floats.
        let plan = BucketPlan(layout: layout, settings: CommunicationSettings(bucketBytes: 400), ranks: 1)
        XCTAssertEqual(plan.buckets.map(\.parameters), [5..<6, 3..<5, 2..<3, 0..<2])
        XCTAssertEqual(plan.buckets.map(\.elements), [510..<570, 403..<510, 103..<403, 0..<103])
        XCTAssertEqual(plan.bucketOfParameter, [3, 3, 2, 1, 1, 0])
        let one = BucketPlan(layout: layout, settings: CommunicationSettings(bucketBytes: 1 << 20), ranks: 1)
        XCTAssertEqual(one.buckets.map(\.elements), [0..<570])
    }

    func testPartsCoverEachBucketInRankOrderEvenlyOrAsTheShares() {
        let shares = layout.shares(ranks: 3)
        for split in UpdateSplit.allCases {
            let plan = BucketPlan(layout: layout, settings: CommunicationSettings(bucketBytes: 400, split: split), ranks: 3)
            for bucket in plan.buckets {
                XCTAssertEqual(bucket.parts.count, 3)
                XCTAssertEqual(bucket.parts.map(\.count).reduce(0, +), bucket.elements.count)
                var next = bucket.elements.lowerBound
                for part in bucket.parts where !part.isEmpty {
                    XCTAssertEqual(part.lowerBound, next, "\(split)")
                    next = part.upperBound
                }
                if split == .sharded {
                    XCTAssertEqual(bucket.parts, shares.map { $0.clamped(to: bucket.elements) })
                } else {
                    XCTAssertLessThanOrEqual(bucket.parts.map(\.count).max()! - bucket.parts.map(\.count).min()!, 1)
                }
            }
        }
    }
}
