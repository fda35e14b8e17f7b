import Autograd
import MPI

/// The sum across ranks of one bucket of a network's flat gradient, run on the
/// gradient stream. An all-to-all hands each rank every rank's copy of its part of
/// the bucket (16-bit when compressed: each rank rounds its bucket first), which it
/// adds in rank order in float32, so the sum is the same whichever rank owns the part
/// and however many ranks there are. With the replicated split an allgather then
/// gives every rank every part (16-bit when compressed; every rank, the part's owner
/// included, uses the rounded sum, so all ranks hold bitwise the same gradient).
///
/// The exchange is an all-to-all rather than MPI's reduce-scatter: OpenMPI's
/// non-blocking reduce-scatter reduces the whole bucket at one rank and scatters the
/// sum, which took 1.6 to 2.1 times as long on two ranks of one host and moves twice
/// the data over a link (`bench/exchange.c`, BENCHMARKS.md).
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
        let received = scratch.floats(own.count * comm.size)
        try stream.timeline.span("reduce-scatter", track: .stream) {
            let receiveCounts = Array(repeating: own.count, count: comm.size)
            try stream.complete(comm.ialltoallv(UnsafeBufferPointer(whole), sendCounts: counts, into: received, receiveCounts: receiveCounts))
        }
        Self.sumInRankOrder(received.baseAddress!, parts: comm.size, count: own.count, into: gradients + own.lowerBound)
        guard split == .replicated else { return }
        try stream.timeline.span("allgather", track: .stream) {
            try stream.complete(comm.iallgather(inPlace: whole, counts: counts))
        }
    }

    /// `destination[i] = Σ over parts p of source[p·count + i]`, added in part order.
    static func sumInRankOrder(_ source: UnsafePointer<Float>, parts: Int, count: Int, into destination: UnsafeMutablePointer<Float>) {
        guard parts > 1 else { destination.update(from: source, count: count); return }
        VectorLoop.apply(count, source, source + count, into: destination, +, +)
        for part in 2..<parts {
            VectorLoop.apply(count, destination, source + part * count, into: destination, +, +)
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
