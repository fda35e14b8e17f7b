import NN

/// The layers of a `Sequential` being built; each new layer is named by the index
/// it will have (after `prefix`, for a Sequential inside a block), so its initial
/// values are keyed by its PyTorch name ("4.weight", "2.residual.3.weight").
struct LayerList {
    private(set) var layers: [any Module] = []
    let seed: UInt64
    let spectralNorm: Bool
    let initialization: ModelInitialization
    /// The name of the Sequential being built inside the model ("" at the top).
    let prefix: String

    init(seed: UInt64, spectralNorm: Bool = false, initialization: ModelInitialization = .pytorch, prefix: String = "") {
        self.seed = seed
        self.spectralNorm = spectralNorm
        self.initialization = initialization
        self.prefix = prefix
    }

    /// The name the next appended layer will have.
    var nextName: String { prefix.isEmpty ? String(layers.count) : "\(prefix).\(layers.count)" }

    /// The weight initializer for the next layer (the network's last weighted layer may differ).
    func initializer(lastLayer: Bool = false) -> Initializer {
        initialization.initializer(lastLayer: lastLayer)
    }

    /// An empty list for a Sequential named `name` inside the model, with these settings.
    func nested(_ name: String) -> LayerList {
        LayerList(seed: seed, spectralNorm: spectralNorm, initialization: initialization, prefix: name)
    }

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
