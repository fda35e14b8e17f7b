// Placeholder until the Training target's first file lands.
