using System.Numerics;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// What <see cref="ILayer.Init"/> makes: the parameters and the state a layer starts from, in float64. A run in
/// float32 rounds them to the nearest float32, so both precisions start from the same draw.
/// </summary>
/// <param name="Params">The trainable parameters.</param>
/// <param name="State">The non-trainable state.</param>
public sealed record LayerInit(Params<double> Params, LayerState<double> State);

/// <summary>What <see cref="ILayer.Forward{T}"/> gives: the output, the cache for backward, and the state after the call.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
/// <param name="Output">The layer's output, [batch, …output shape].</param>
/// <param name="Cache">What <see cref="ILayer.Backward{T}"/> needs.</param>
/// <param name="State">The state after this call.</param>
public sealed record Forwarded<T>(Tensor<T> Output, LayerCache Cache, LayerState<T> State)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>What <see cref="ILayer.Backward{T}"/> gives: the gradient at the input and the parameters' gradient.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
/// <param name="Dx">The gradient at the input, shaped like the input.</param>
/// <param name="Gradient">The gradient of every trainable parameter, shaped like <see cref="Params{T}"/>.</param>
public sealed record Backwarded<T>(Tensor<T> Dx, Params<T> Gradient)
    where T : unmanaged, IFloatingPointIeee754<T>;
