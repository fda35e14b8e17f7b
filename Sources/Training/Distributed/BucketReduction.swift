import MPI

/// The sum across ranks of one bucket of a network's flat gradient, run on the
/// gradient stream. Uncompressed, a reduce-scatter leaves each rank the float32 sum
/// of its part. Compressed, every rank rounds its bucket to 16 bits and an
/// all-to-all hands each rank every rank's 16-bit copy of its part, which it widens
/// and adds in rank order in float32. With the replicated split an allgather then
/// gives every rank every part (16-bit when compressed; every rank, the part's owner
/// included, uses the rounded sum, so all ranks hold bitwise the same gradient).
struct BucketReduction {
    let bucket: BucketPlan.Bucket
    /// The network's flat gradient buffer (stable for the network's lifetime).
    let gradients: UnsafeMutablePointer<Float>
    let compression: GradientCompression
    let split: UpdateSplit
    let scratch: ReductionScratch

    func run(on stream: GradientStream) throws {
        let whole = UnsafeMutableBufferPointer(start: gradients + bucket.elements.lowerBound, count: bucket.elements.count)
        if compression == .none {
            try reduce(whole, on: stream)
        } else {
            try reduceCompressed(whole, on: stream)
        }
    }

    private func reduce(_ whole: UnsafeMutableBufferPointer<Float>, on stream: GradientStream) throws {
        let (comm, counts, own) = (stream.comm, bucket.parts.map(\.count), bucket.parts[stream.comm.rank])
        let received = scratch.floats(own.count)
        try stream.timeline.span("reduce-scatter", track: .stream) {
            try stream.complete(comm.ireduceScatter(UnsafeBufferPointer(whole), into: received, counts: counts, .sum))
        }
        if own.count > 0 { (gradients + own.lowerBound).update(from: received.baseAddress!, count: own.count) }
        guard split == .replicated else { return }
        try stream.timeline.span("allgather", track: .stream) {
            try stream.complete(comm.iallgather(inPlace: whole, counts: counts))
        }
    }

    private func reduceCompressed(_ whole: UnsafeMutableBufferPointer<Float>, on stream: GradientStream) throws {
        let (comm, counts, own) = (stream.comm, bucket.parts.map(\.count), bucket.parts[stream.comm.rank])
        let (sent, received) = scratch.halves(whole.count, received: own.count * comm.size)
        compression.narrow(whole.baseAddress!, into: sent.baseAddress!, count: whole.count)
        try stream.timeline.span("all-to-all (16-bit)", track: .stream) {
            let receiveCounts = Array(repeating: own.count, count: comm.size)
            try stream.complete(comm.ialltoallv(UnsafeBufferPointer(sent), sendCounts: counts, into: received, receiveCounts: receiveCounts))
        }
        compression.sumWidened(received.baseAddress!, parts: comm.size, count: own.count, into: gradients + own.lowerBound)
        guard split == .replicated else { return }
        compression.narrow(gradients + own.lowerBound, into: sent.baseAddress! + (own.lowerBound - bucket.elements.lowerBound), count: own.count)
        try stream.timeline.span("allgather (16-bit)", track: .stream) {
            try stream.complete(comm.iallgather(inPlace: sent, counts: counts))
        }
        compression.widen(sent.baseAddress!, into: whole.baseAddress!, count: whole.count)
    }
}

/// Scratch buffers the jobs of one stream share (its jobs run one at a time); they
/// grow to the largest bucket and are kept.
final class ReductionScratch: @unchecked Sendable {
    private var floatBuffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
    private var sentBuffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 1)
    private var receivedBuffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 1)

    /// `count` floats.
    func floats(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        if floatBuffer.count < count { floatBuffer.deallocate(); floatBuffer = .allocate(capacity: count) }
        return UnsafeMutableBufferPointer(rebasing: floatBuffer[0..<count])
    }

    /// A 16-bit send buffer of `count` elements and a receive buffer of `received`.
    func halves(_ count: Int, received: Int) -> (UnsafeMutableBufferPointer<UInt16>, UnsafeMutableBufferPointer<UInt16>) {
        if sentBuffer.count < count { sentBuffer.deallocate(); sentBuffer = .allocate(capacity: count) }
        if receivedBuffer.count < received { receivedBuffer.deallocate(); receivedBuffer = .allocate(capacity: received) }
        return (UnsafeMutableBufferPointer(rebasing: sentBuffer[0..<count]), UnsafeMutableBufferPointer(rebasing: receivedBuffer[0..<received]))
    }

    deinit {
        floatBuffer.deallocate()
        sentBuffer.deallocate()
        receivedBuffer.deallocate()
    }
}
