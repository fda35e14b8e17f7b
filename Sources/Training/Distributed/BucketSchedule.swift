/// The buckets of one update (every network a phase updates) in the order they are
/// issued, and which may be issued now. Bucket k goes out once every one of its
/// parameters' gradients is final and buckets 0..<k have gone out, so every rank
/// issues the same buckets in the same order (invariant 1) whatever order its
/// backward pass finishes the gradients in.
struct BucketSchedule {
    struct Entry {
        let network: Network
        let bucket: BucketPlan.Bucket
        /// Its position in the network's plan.
        let index: Int
    }

    /// In issue order: the networks in reverse order (a loss reaches the last one
    /// first), each network's buckets in plan order.
    let entries: [Entry]
    /// For each target of the backward pass (every network's parameters, in the
    /// networks' order), its entry.
    private let entryOfTarget: [Int]
    private var remaining: [Int]
    /// Entries issued so far.
    private(set) var issued = 0

    init(networks: [Network], plans: [BucketPlan]) {
        var entries: [Entry] = []
        var firstEntry = Array(repeating: 0, count: networks.count)
        for n in networks.indices.reversed() {
            firstEntry[n] = entries.count
            entries += plans[n].buckets.enumerated().map { Entry(network: networks[n], bucket: $0.element, index: $0.offset) }
        }
        self.entries = entries
        entryOfTarget = networks.indices.flatMap { n in plans[n].bucketOfParameter.map { firstEntry[n] + $0 } }
        remaining = entries.map(\.bucket.parameters.count)
    }

    /// Records that target `index`'s gradient is final; returns the entries that may go out now.
    mutating func targetReady(_ index: Int) -> Range<Int> {
        remaining[entryOfTarget[index]] -= 1
        let start = issued
        while issued < entries.count && remaining[issued] == 0 { issued += 1 }
        return start..<issued
    }

    /// Every entry not yet issued (after the backward pass, or all of them without overlap).
    mutating func issueRest() -> Range<Int> {
        let start = issued
        issued = entries.count
        return start..<issued
    }
}
