/// The shape two operands broadcast to (NumPy rules: align trailing axes; an
/// axis of extent 1 stretches), or nil when they do not broadcast.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 {
            result[i] = da
        } else if da == 1 {
            result[i] = db
        } else {
            return nil
        }
    }
    return result
}

/// The message an op stops with when its operands' shapes do not fit.
func shapeMismatch(_ op: String, _ a: [Int], _ b: [Int], expected: String) -> String {
    "\(op): shapes \(a) and \(b) do not match (\(expected))"
}

/// Element strides of a row-major `shape` read as if it had `outputShape`
/// (stride 0 along broadcast axes).
func broadcastStrides(of shape: [Int], to outputShape: [Int]) -> [Int] {
    let lead = outputShape.count - shape.count
    var strides = [Int](repeating: 0, count: outputShape.count)
    var running = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[lead + i] = shape[i] == 1 ? 0 : running
        running *= shape[i]
    }
    return strides
}

/// Walks an output shape with up to three operands' strides, handing the
/// innermost axis to `body` as one contiguous-or-strided run. Axes that are
/// contiguous for every operand are merged first, so common cases (same
/// shape, a bias row, a per-sample column) become one or two loops.
struct StridedLoop {
    var shape: [Int]
    var strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        // Merge axis i into i+1 when, for every operand, stepping axis i equals a full run of axis i+1.
        var mergedShape: [Int] = []
        var mergedStrides: [[Int]] = Array(repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = mergedShape.indices.last,
                strides.indices.allSatisfy({ strides[$0][axis] * shape[axis] == mergedStrides[$0][last] })
            {
                mergedShape[last] *= shape[axis]
                for o in strides.indices { mergedStrides[o][last] = strides[o][axis] }
            } else {
                mergedShape.append(shape[axis])
                for o in strides.indices { mergedStrides[o].append(strides[o][axis]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            mergedStrides = Array(repeating: [0], count: strides.count)
        }
        self.shape = mergedShape
        self.strides = mergedStrides
    }

    /// Calls `body(offsets, innerCount, innerStrides)` once per run of the innermost axis.
    func forEachRun(_ body: (_ offsets: [Int], _ count: Int, _ strides: [Int]) -> Void) {
        let inner = shape.count - 1
        let innerStrides = strides.map { $0[inner] }
        let outerCount = shape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: Swift.max(inner, 0))
        var offsets = [Int](repeating: 0, count: strides.count)
        for _ in 0..<outerCount {
            body(offsets, shape[inner], innerStrides)
            // Advance the outer odometer.
            var axis = inner - 1
            while axis >= 0 {
                index[axis] += 1
                for o in offsets.indices { offsets[o] += strides[o][axis] }
                if index[axis] < shape[axis] { break }
                for o in offsets.indices { offsets[o] -= strides[o][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
