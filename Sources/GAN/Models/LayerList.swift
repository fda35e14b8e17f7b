import NN

/// The layers of a `Sequential` being built; each new layer is named by the index
/// it will have, so its initial values are keyed by its PyTorch name ("4.weight").
struct LayerList {
    private(set) var layers: [any Module] = []
    let seed: UInt64
    let spectralNorm: Bool

    init(seed: UInt64, spectralNorm: Bool = false) {
        self.seed = seed
        self.spectralNorm = spectralNorm
    }

    /// The name the next appended layer will have.
    var nextName: String { String(layers.count) }

    mutating func append(_ layer: any Module) {
        layers.append(layer)
    }

    /// Appends a weighted layer, wrapped in `SpectralNorm` when this list asks for it.
    mutating func appendWeighted(_ layer: any WeightedLayer) {
        layers.append(spectralNorm ? SpectralNorm(layer, seed: seed, name: nextName) : layer)
    }

    func sequential(inputShape: [Int]? = nil) -> Sequential {
        Sequential(layers, inputShape: inputShape)
    }
}
