using Functional.Tensors;

namespace Functional.Composition;

/// <summary>What <see cref="ILayer.Init"/> makes: the parameters and the state a layer starts from.</summary>
/// <param name="Params">The trainable parameters.</param>
/// <param name="State">The non-trainable state.</param>
public sealed record LayerInit(Params Params, LayerState State);

/// <summary>What <see cref="ILayer.Forward"/> gives: the output, the cache for backward, and the state after the call.</summary>
/// <param name="Output">The layer's output, [batch, …output shape].</param>
/// <param name="Cache">What <see cref="ILayer.Backward"/> needs.</param>
/// <param name="State">The state after this call.</param>
public sealed record Forwarded(Tensor<double> Output, LayerCache Cache, LayerState State);

/// <summary>What <see cref="ILayer.Backward"/> gives: the gradient at the input and the parameters' gradient.</summary>
/// <param name="Dx">The gradient at the input, shaped like the input.</param>
/// <param name="Gradient">The gradient of every trainable parameter, shaped like <see cref="Params"/>.</param>
public sealed record Backwarded(Tensor<double> Dx, Params Gradient);
