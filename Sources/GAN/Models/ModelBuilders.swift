/// Builders of the generators and critics of the published setups, as `Sequential`
/// models whose tensor names and shapes equal those of the PyTorch `nn.Sequential`
/// given in each builder's documentation, so saved weights load there with
/// `load_state_dict(..., strict=True)`. The same seed builds bitwise identical models.
public enum ModelBuilders {}
