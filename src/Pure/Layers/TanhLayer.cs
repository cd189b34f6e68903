using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Tanh"/> as a layer value: out = tanh(x) elementwise.</summary>
public sealed record TanhLayer : BuiltInLayer<TanhCache>
{
    /// <inheritdoc/>
    public override string Kind => "tanh";

    /// <inheritdoc/>
    public override Forwarded Forward(Params parameters, LayerState state, Tensor<double> x, StepContext context)
    {
        var (output, cache) = Tanh.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Backwarded Backward(TanhCache cache, Tensor<double> dOut) => new(Tanh.Backward(cache, dOut), Params.Empty);
}
