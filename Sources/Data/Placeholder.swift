// Placeholder until the Data target's first file lands.
