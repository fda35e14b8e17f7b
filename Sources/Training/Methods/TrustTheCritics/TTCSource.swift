import Autograd
import Data
import GAN
import NN

/// The samples Trust-the-Critics moves to the data: standard normal noise in the data's
/// shape, or samples of another dataset (with optional Gaussian noise added: denoising).
/// Row i of a draw depends only on (seed, purpose, step, i), so the ranks' rows together
/// are the same global batch on any number of ranks.
struct TTCSource {
    /// nil: noise.
    let dataset: (any Dataset)?
    let noiseStd: Float
    let sampleShape: [Int]

    /// Loads the source of `settings` (every rank: a folder is decoded by the ranks together) and
    /// checks that its samples have the data's shape.
    init(_ settings: TTCSettings, setup: MethodSetup) throws {
        sampleShape = setup.sampleShape
        noiseStd = settings.noiseStd
        guard case .dataset(let kind) = settings.source else {
            dataset = nil
            return
        }
        let config = setup.config
        let dataset = try DatasetFactory.load(kind, path: settings.sourcePath ?? config.dataPath, config: config, comm: setup.comm)
        guard dataset.sampleShape == setup.sampleShape else {
            throw ConfigError.invalidValue(
                origin: config.values.origin(of: "ttc.source"), key: "ttc.source",
                reason: "the source (\(dataset.name)) has samples of shape \(dataset.sampleShape), the data (\(config.dataset.rawValue)) \(setup.sampleShape): TTC moves source samples within the data's space, so the shapes must match")
        }
        self.dataset = dataset
    }

    /// Rows `rows` of the source draw (seed, purpose, step), shaped [rows.count] + sampleShape.
    func samples(seed: UInt64, purpose: String, step: Int, rows: Range<Int>) -> Tensor {
        let shape = [rows.count] + sampleShape
        let width = sampleShape.reduce(1, *)
        func normal(_ name: String) -> Tensor {
            RandomStream(seed: seed, purpose: name, step: step).normal(rows: rows.count, columns: width, firstRow: rows.lowerBound).reshaped(shape)
        }
        guard let dataset else { return normal(purpose) }
        // Datasets drawn on demand (toy mixtures) take any index; a finite one is drawn uniformly.
        let bound = UInt64(dataset.count ?? (1 << 53))
        let indices = RandomStream(seed: seed, purpose: purpose + ".index", step: step).integers(below: bound, at: rows).map { Int($0) }
        let batch = dataset.batch(at: indices).reshaped(shape)
        return noiseStd > 0 ? batch + normal(purpose + ".noise") * noiseStd : batch
    }
}

/// Samples of a Trust-the-Critics run: fresh source samples pushed down every finished
/// critic in turn, y ← y − η_k·∇D_k(y). The pushes take input gradients, so `generate`
/// records a graph for each critic (inside `withoutGradients` too) and keeps none after.
struct TTCSampleSource: SampleSource {
    let source: TTCSource
    /// The finished critics with their step sizes, in order.
    let chain: [(critic: any Module, stepSize: Float)]
    /// Rows pushed at a time (bounds the memory of one critic's input gradient).
    static let rowsPerPush = 250

    var sampleShape: [Int] { source.sampleShape }

    func inputs(seed: UInt64, purpose: String, rows: Range<Int>) -> Tensor {
        source.samples(seed: seed, purpose: purpose, step: 0, rows: rows)
    }

    func generate(_ inputs: Tensor) -> Tensor {
        let rows = inputs.shape[0]
        guard rows > 0, !chain.isEmpty else { return inputs.detached() }
        let parts = stride(from: 0, to: rows, by: Self.rowsPerPush).map { start in
            pushed(inputs.slice(axis: 0, start..<min(rows, start + Self.rowsPerPush)), through: chain)
        }
        return withoutGradients { parts.count == 1 ? parts[0] : concat(parts, axis: 0) }
    }
}

/// `samples` pushed down each critic of `chain`, every critic in evaluation mode (spectral
/// norm's power iteration does not advance on a frozen critic).
func pushed(_ samples: Tensor, through chain: [(critic: any Module, stepSize: Float)]) -> Tensor {
    chain.reduce(samples.detached()) { points, link in
        evaluating(link.critic) { pushed(points, down: { link.critic($0) }, stepSize: link.stepSize) }
    }
}
