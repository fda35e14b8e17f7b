import Autograd

/// The mean over the batch of −log softmax(logits)[label] (PyTorch's `F.cross_entropy`),
/// built from Autograd ops so it can be differentiated (twice, if need be).
/// `logits` is [N, classes]; each label lies in 0..<classes (a programmer error otherwise).
/// Each row's maximum is subtracted before exponentiating so exp never overflows; the
/// maximum is a constant (detached), which leaves both value and gradient unchanged
/// because log-sum-exp minus the picked logit does not depend on it.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    precondition(
        logits.rank == 2 && logits.shape[0] == labels.count,
        "softmaxCrossEntropy: logits \(logits.shape) for \(labels.count) labels, expected [\(labels.count), classes]")
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    let values = logits.scalars
    var rowMaxima = [Float](repeating: 0, count: rows)
    var oneHot = [Float](repeating: 0, count: rows * classes)
    for r in 0..<rows {
        precondition((0..<classes).contains(labels[r]), "softmaxCrossEntropy: label \(labels[r]) outside 0..<\(classes)")
        rowMaxima[r] = values[(r * classes)..<((r + 1) * classes)].max() ?? 0
        oneHot[r * classes + labels[r]] = 1
    }
    let shifted = logits - Tensor(shape: [rows, 1], scalars: rowMaxima)
    let logSumExp = shifted.exp().sum(axes: [1], keepDims: true).log()
    let picked = (shifted * Tensor(shape: [rows, classes], scalars: oneHot)).sum(axes: [1], keepDims: true)
    return (logSumExp - picked).mean()
}

/// The index of the largest value in each row of an [N, classes] tensor (the first on ties).
public func rowArgmax(_ logits: Tensor) -> [Int] {
    let classes = logits.shape[1]
    return logits.withScalars { values in
        (0..<logits.shape[0]).map { r in
            var best = 0
            for c in 1..<Swift.max(classes, 1) where values[r * classes + c] > values[r * classes + best] { best = c }
            return best
        }
    }
}
