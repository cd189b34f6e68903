using System.Numerics;
using Functional.Parameters;

namespace Functional.Networks;

/// <summary>What one training-mode pass of <see cref="Mlp.TrainingPass{T}(Network, ParamTree{T}, ParamTree{T}, Tensors.Tensor{T}, Losses.Labels, Rng.RngKey)"/> gives.</summary>
/// <param name="Loss">The batch's mean loss at the parameters passed in.</param>
/// <param name="Gradient">The loss's gradient for every trainable parameter, with the parameters' names and shapes.</param>
/// <param name="State">The network's state after this batch (BatchNorm's running statistics); empty without state.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record TrainingPass<T>(double Loss, ParamTree<T> Gradient, ParamTree<T> State)
    where T : unmanaged, IFloatingPointIeee754<T>;
