using Functional.Parameters;

namespace Functional.Networks;

/// <summary>What one training-mode pass of <see cref="Mlp.TrainingPass(Network, ParamTree, ParamTree, Tensors.Tensor{double}, Losses.Labels, Rng.RngKey)"/> gives.</summary>
/// <param name="Loss">The batch's mean loss at the parameters passed in.</param>
/// <param name="Gradient">The loss's gradient for every trainable parameter, with the parameters' names and shapes.</param>
/// <param name="State">The network's state after this batch (BatchNorm's running statistics); empty without state.</param>
public sealed record TrainingPass(double Loss, ParamTree Gradient, ParamTree State);
