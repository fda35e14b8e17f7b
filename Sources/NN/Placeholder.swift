// Placeholder until the NN target's first file lands.
