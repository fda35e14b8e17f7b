// Placeholder until the GAN target's first file lands.
