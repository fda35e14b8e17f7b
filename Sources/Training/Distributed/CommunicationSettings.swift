/// How a rank's share of the work of an update is split after the gradients are summed.
public enum UpdateSplit: String, CaseIterable, Sendable {
    /// Each bucket is allreduced (reduce-scatter, then allgather of the summed
    /// gradient), and every rank runs the optimizer on every element.
    case replicated
    /// Each bucket is reduce-scattered to the ranks owning its elements, each rank
    /// runs the optimizer on its share, and the new parameters are allgathered
    /// (ZeRO stage 1).
    case sharded
}

/// How gradients are summed across ranks in a run: the `run.*` communication keys
/// with whatever the configuration left open decided for the ranks it runs on
/// (`CommunicationRequest`).
public struct CommunicationSettings: Sendable, Equatable {
    /// Start each bucket's reduction as soon as its gradients are final, while the
    /// backward pass continues; otherwise the same buckets start after the pass.
    public var overlap: Bool
    /// A bucket is closed once it holds at least this many bytes of gradient; the
    /// first (the last layers' gradients, ready first) at a quarter of it.
    public var bucketBytes: Int
    public var compression: GradientCompression
    public var split: UpdateSplit

    public init(overlap: Bool = true, bucketBytes: Int = 1 << 20, compression: GradientCompression = .none, split: UpdateSplit = .replicated) {
        self.overlap = overlap
        self.bucketBytes = bucketBytes
        self.compression = compression
        self.split = split
    }

    /// The size of the first bucket (PyTorch DDP starts with a small one too, so the
    /// link is busy early in the backward pass).
    var firstBucketBytes: Int { Swift.max(bucketBytes / 4, 1) }
}
