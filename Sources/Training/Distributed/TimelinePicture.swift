import Foundation
import Plot

/// One iteration of a timeline file (`--timeline`) as a picture: a lane per track of
/// every rank, the spans of that iteration as bars coloured by kind, time in
/// milliseconds from the iteration's start on rank 0.
public enum TimelinePicture {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case noSuchIteration(path: String, iteration: Int, last: Int?)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "\(path): not a timeline written by --timeline (\(reason))"
            case .noSuchIteration(let path, let iteration, let last):
                "\(path): has no iteration \(iteration)" + (last.map { " (its iterations are 1 to \($0))" } ?? " (it holds no iteration)")
            }
        }
    }

    private struct Span {
        let rank: Int
        let track: Int
        let name: String
        let start: Double
        let end: Double
    }

    /// The chart of iteration `iteration` (1-based) of the trace at `url`.
    public static func chart(of url: URL, iteration: Int, width: Int) throws -> TimelineChart {
        let spans = try read(url)
        let iterations = spans.filter { $0.rank == 0 && $0.track == 0 && $0.name.hasPrefix("iteration ") }
        guard let window = iterations.first(where: { $0.name == "iteration \(iteration)" }) else {
            throw Failure.noSuchIteration(path: url.path, iteration: iteration, last: iterations.compactMap { Int($0.name.dropFirst(10)) }.max())
        }
        let shown = spans.filter { $0.end > window.start && $0.start < window.end && !$0.name.hasPrefix("iteration ") }
        let keys: [[Int]] = Set(shown.map { span -> [Int] in [span.rank, span.track] }).sorted { (a: [Int], b: [Int]) -> Bool in
            a[0] != b[0] ? a[0] < b[0] : a[1] < b[1]
        }
        var bars: [TimelineChart.Bar] = []
        for (lane, key) in keys.enumerated() {
            var open: [Span] = []
            for span in shown.filter({ [$0.rank, $0.track] == key }).sorted(by: { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }) {
                while let last = open.last, last.end <= span.start { open.removeLast() }
                bars.append(
                    TimelineChart.Bar(
                        lane: lane, start: (span.start - window.start) / 1000, end: (span.end - window.start) / 1000, depth: open.count,
                        label: span.name, color: color(of: span.name)))
                open.append(span)
            }
        }
        let lanes = keys.map { "rank \($0[0]) " + ($0[1] == 0 ? "compute" : "stream") }
        return TimelineChart(lanes: lanes, bars: bars, width: width, title: "\(url.lastPathComponent): iteration \(iteration)", axisLabel: "milliseconds")
    }

    private static func read(_ url: URL) throws -> [Span] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw Failure.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        guard let events = (object as? [String: Any])?["traceEvents"] as? [[String: Any]] else {
            throw Failure.unreadable(path: url.path, reason: "no traceEvents list")
        }
        return events.compactMap { event in
            guard event["ph"] as? String == "X", let rank = event["pid"] as? Int, let track = event["tid"] as? Int, let name = event["name"] as? String,
                let start = event["ts"] as? Double, let duration = event["dur"] as? Double
            else { return nil }
            return Span(rank: rank, track: track, name: name, start: start, end: start + duration)
        }
    }

    /// Forward blue, backward orange, waiting red, optimizer green, buckets teal, other
    /// collectives purple, enclosing updates grey.
    private static func color(of name: String) -> PlotColor {
        let kinds: [(String, PlotColor)] = [
            ("forward", PlotColor(red: 120, green: 170, blue: 230)), ("backward", PlotColor(red: 250, green: 170, blue: 90)),
            ("wait", PlotColor(red: 235, green: 90, blue: 80)), ("optimizer", PlotColor(red: 110, green: 200, blue: 110)),
            ("bucket", PlotColor(red: 100, green: 200, blue: 200)), ("issue", PlotColor(red: 0, green: 0, blue: 0)),
            ("update", PlotColor(red: 215, green: 215, blue: 215)),
        ]
        return kinds.first { name.contains($0.0) }?.1 ?? PlotColor(red: 190, green: 160, blue: 220)
    }
}
