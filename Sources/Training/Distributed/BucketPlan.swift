import Autograd

/// How one network's flat gradient buffer is cut into buckets: runs of whole
/// parameters, taken from the end of the layout (the last layers, whose gradients
/// the backward pass finishes first), each at least the bucket size (the first at
/// the first-bucket size), and how each bucket's elements are split among the ranks.
/// Every rank computes the same plan from the same layout, so all ranks issue the
/// same buckets in the same order.
struct BucketPlan {
    struct Bucket {
        /// The bucket's elements in the flat buffer.
        let elements: Range<Int>
        /// The parameters (layout indices) it holds.
        let parameters: Range<Int>
        /// Each rank's part of `elements`, in rank order, together covering them.
        let parts: [Range<Int>]
    }

    /// In the order they are issued.
    let buckets: [Bucket]
    /// For each parameter of the layout, the index of its bucket in `buckets`.
    let bucketOfParameter: [Int]

    /// `shares`: each rank's contiguous share of the layout when the update is sharded
    /// (a bucket's parts are the shares' overlaps with it); otherwise each bucket is
    /// split evenly.
    init(layout: FlatLayout, settings: CommunicationSettings, ranks: Int) {
        let shares = layout.shares(ranks: ranks)
        var buckets: [Bucket] = []
        var bucketOfParameter = Array(repeating: 0, count: layout.shapes.count)
        var end = layout.shapes.count
        while end > 0 {
            let limit = (buckets.isEmpty ? settings.firstBucketBytes : settings.bucketBytes) / MemoryLayout<Float>.size
            let last = layout.elements(of: end - 1).upperBound
            var start = end - 1
            while start > 0 && last - layout.offsets[start] < limit { start -= 1 }
            let elements = layout.offsets[start]..<last
            let parts = settings.split == .sharded
                ? shares.map { $0.clamped(to: elements) }
                : BalancedSplit.ranges(parts: ranks, total: elements.count).map { ($0.lowerBound + elements.lowerBound)..<($0.upperBound + elements.lowerBound) }
            for parameter in start..<end { bucketOfParameter[parameter] = buckets.count }
            buckets.append(Bucket(elements: elements, parameters: start..<end, parts: parts))
            end = start
        }
        self.buckets = buckets
        self.bucketOfParameter = bucketOfParameter
    }
}
