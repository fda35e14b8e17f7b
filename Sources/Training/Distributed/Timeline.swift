import Dispatch
import Formats
import Foundation
import MPI

/// Spans of time on this rank for a Chrome trace (chrome://tracing, Perfetto; Horovod
/// calls its own a timeline): the main thread's work (forward, backward, waiting for
/// gradients, optimizer) on one track and each bucket's reduction on the gradient
/// stream's track. Times count from the moment every rank left the same barrier. A
/// disabled timeline records nothing and costs one branch per span.
public final class Timeline: @unchecked Sendable {
    /// Where a span is drawn: the rank's main thread or its gradient stream.
    public enum Track: Int, Sendable, CaseIterable {
        case compute = 0, stream = 1

        var label: String { self == .compute ? "compute" : "gradient stream" }
    }

    struct Span {
        let name: String
        let track: Track
        let start: UInt64
        let end: UInt64
        let detail: String?
    }

    public let isEnabled: Bool
    private let origin: UInt64
    private let lock = NSLock()
    private var spans: [Span] = []

    private init(isEnabled: Bool, origin: UInt64) {
        self.isEnabled = isEnabled
        self.origin = origin
    }

    /// A timeline that records nothing.
    public static var disabled: Timeline { Timeline(isEnabled: false, origin: 0) }

    /// A recording timeline whose clock starts as every rank leaves a barrier. Every rank must call it.
    public static func recording(comm: any Communicator) throws -> Timeline {
        try comm.barrier()
        return Timeline(isEnabled: true, origin: now)
    }

    /// The clock spans are measured with, in nanoseconds.
    public static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Records a span that started at `start` and ends now (or at `end`).
    public func record(_ name: String, track: Track = .compute, from start: UInt64, to end: UInt64 = Timeline.now, detail: String? = nil) {
        guard isEnabled else { return }
        lock.withLock { spans.append(Span(name: name, track: track, start: start, end: end, detail: detail)) }
    }

    /// Runs `body` and records it as one span.
    public func span<R>(_ name: @autoclosure () -> String, track: Track = .compute, _ body: () throws -> R) rethrows -> R {
        guard isEnabled else { return try body() }
        let start = Timeline.now
        defer { record(name(), track: track, from: start) }
        return try body()
    }

    /// The spans recorded so far, in the order they ended.
    var recordedSpans: [Span] { lock.withLock { spans } }

    /// Forgets what was recorded so far (a benchmark's warm-up).
    public func clear() {
        lock.withLock { spans.removeAll() }
    }

    /// This rank's trace events, one JSON object per line: names for its process and
    /// tracks, then one complete ("X") event per span, times in microseconds.
    func traceEvents(rank: Int, host: String) -> String {
        var lines = [
            #"{"name":"process_name","ph":"M","pid":\#(rank),"args":{"name":\#(JSONLine.quote("rank \(rank) (\(host))"))}}"#,
            #"{"name":"process_sort_index","ph":"M","pid":\#(rank),"args":{"sort_index":\#(rank)}}"#,
        ]
        for track in Track.allCases {
            lines.append(#"{"name":"thread_name","ph":"M","pid":\#(rank),"tid":\#(track.rawValue),"args":{"name":"\#(track.label)"}}"#)
        }
        for span in recordedSpans {
            let start = span.start >= origin ? span.start - origin : 0
            let end = Swift.max(span.end >= origin ? span.end - origin : 0, start)
            let detail = span.detail.map { #","args":{"detail":\#(JSONLine.quote($0))}"# } ?? ""
            lines.append(
                #"{"name":\#(JSONLine.quote(span.name)),"ph":"X","pid":\#(rank),"tid":\#(span.track.rawValue),"ts":\#(microseconds(start)),"dur":\#(microseconds(end - start))\#(detail)}"#)
        }
        return lines.joined(separator: ",\n")
    }

    /// Nanoseconds as an exact decimal number of microseconds.
    private func microseconds(_ nanoseconds: UInt64) -> String {
        let fraction = String(nanoseconds % 1000)
        return "\(nanoseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

extension Timeline {
    /// Gathers every rank's spans on rank 0, which writes them as one Chrome trace file
    /// (a process per rank, a track per thread). Every rank must call it; a failure to
    /// write is agreed, so every rank throws it.
    public func write(to url: URL, comm: any Communicator) throws {
        let events = try comm.gather(Array(traceEvents(rank: comm.rank, host: comm.hostname).utf8), root: 0)
        try comm.agree {
            guard comm.rank == 0 else { return }
            let body = events.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",\n")
            try AtomicFile.write(Array(("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + body + "\n]}\n").utf8), to: url)
        }
    }
}
