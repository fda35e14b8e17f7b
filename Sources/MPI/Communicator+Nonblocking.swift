/// The non-blocking collectives of communicators without an asynchronous engine
/// (one process, ranks as threads): each runs to completion when it is started, on
/// the calling thread, through the blocking collectives. A thread that owns a
/// `duplicate()` of the communicator can therefore still run them apart from the
/// ranks' other collectives.
extension Communicator {
    public func iallgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws -> any CollectiveRequest {
        try allgather(inPlace: buffer, counts: counts)
        return CompletedRequest()
    }

    public func ialltoallv<T: MPIScalar>(
        _ send: UnsafeBufferPointer<T>, sendCounts: [Int], into receive: UnsafeMutableBufferPointer<T>, receiveCounts: [Int]
    ) throws -> any CollectiveRequest {
        let sendOffsets = try partOffsets(sendCounts, total: send.count, call: "ialltoallv")
        let receiveOffsets = try partOffsets(receiveCounts, total: receive.count, call: "ialltoallv")
        // Every rank learns every rank's layout and data, then takes the parts sent to it.
        let layouts = try allgatherv((sendCounts + sendOffsets).map(Int64.init))
        let data = try allgatherv(send)
        for peer in 0..<size {
            let (count, offset) = (Int(layouts[peer][rank]), Int(layouts[peer][size + rank]))
            guard count == receiveCounts[peer] else {
                throw MPIError.invalidArgument(call: "ialltoallv", reason: "rank \(peer) sends \(count) elements to rank \(rank), which expects \(receiveCounts[peer])")
            }
            let destination = UnsafeMutableBufferPointer(rebasing: receive[receiveOffsets[peer]..<(receiveOffsets[peer] + count)])
            _ = destination.update(fromContentsOf: data[peer][offset..<(offset + count)])
        }
        return CompletedRequest()
    }
}
