import MPI

/// The `run.*` communication keys as configured. Overlap and the update split may be
/// left open (nil); they are then decided by where the ranks run, and either way the
/// run ends with bitwise the same parameters (the sums are added in rank order, and
/// Adam gives an element the same bits on any rank's share).
public struct CommunicationRequest: Sendable, Equatable {
    public var overlap: Bool?
    public var bucketBytes: Int
    public var compression: GradientCompression
    public var split: UpdateSplit?

    public init(overlap: Bool? = nil, bucketBytes: Int = 1 << 20, compression: GradientCompression = .none, split: UpdateSplit? = nil) {
        self.overlap = overlap
        self.bucketBytes = bucketBytes
        self.compression = compression
        self.split = split
    }

    /// The settings for `comm`'s ranks.
    public func settings(for comm: any Communicator) -> CommunicationSettings {
        settings(ranksShareOneHost: comm.localSize == comm.size)
    }

    /// What is left open, decided by whether the ranks share one host.
    ///
    /// Across hosts a bucket spends its time on the wire: overlap hides it under the
    /// backward pass, and the replicated split sends the summed gradients back during
    /// the pass, where the sharded split's allgather of new parameters would wait after
    /// the optimizer. Ranks of one host sum through shared memory, copying and adding on
    /// their own cores, so there is no wire time to hide: a stream thread would take
    /// those cycles, and its wake-ups, from the backward pass, and the sharded split
    /// saves each rank the optimizer steps on the other ranks' shares. On one 2-core
    /// host that made the toy step 8% and then 3% faster (BENCHMARKS.md).
    func settings(ranksShareOneHost: Bool) -> CommunicationSettings {
        CommunicationSettings(
            overlap: overlap ?? !ranksShareOneHost, bucketBytes: bucketBytes, compression: compression,
            split: split ?? (ranksShareOneHost ? .sharded : .replicated))
    }
}
