import Foundation
import MPI

/// Times this wrapper's allreduce beside a raw MPI_Allreduce on the same buffer.
public struct AllreduceBenchmark {
    /// The timing of one message size: median seconds per allreduce of each path.
    public struct Result: Sendable {
        public let bytes: Int
        public let ranks: Int
        public let iterations: Int
        public let wrapperSeconds: Double
        public let rawSeconds: Double
    }

    let comm: MPICommunicator

    public init(comm: MPICommunicator) {
        self.comm = comm
    }

    /// Runs `iterations` of each path on a Float buffer of `bytes` bytes, alternating
    /// the two so that drift in the machine's speed hits both alike. All ranks must call.
    public func measure(bytes: Int, iterations: Int, warmup: Int = 3) throws -> Result {
        let count = bytes / MemoryLayout<Float>.stride
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)  // sums of zeros stay zero, however many rounds
        let generic: any Communicator = comm

        var wrapper: [Double] = []
        var raw: [Double] = []
        for round in 0..<(warmup + iterations) {
            try comm.barrier()
            var start = DispatchTime.now().uptimeNanoseconds
            try generic.allreduce(buffer, .sum)
            let wrapperTime = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            try comm.barrier()
            start = DispatchTime.now().uptimeNanoseconds
            try comm.unwrappedAllreduceSum(buffer)
            let rawTime = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            if round >= warmup {
                wrapper.append(wrapperTime)
                raw.append(rawTime)
            }
        }
        // Rank timings differ slightly; every rank reports the slowest rank's median.
        let wrapperMedian = try comm.allreduce(median(wrapper), .max)
        let rawMedian = try comm.allreduce(median(raw), .max)
        return Result(
            bytes: bytes, ranks: comm.size, iterations: iterations, wrapperSeconds: wrapperMedian, rawSeconds: rawMedian)
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
