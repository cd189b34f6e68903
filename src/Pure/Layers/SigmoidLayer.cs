using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Sigmoid"/> as a layer value: out = 1 / (1 + exp(−x)) elementwise.</summary>
public sealed record SigmoidLayer : BuiltInLayer<SigmoidCache>
{
    /// <inheritdoc/>
    public override string Kind => "sigmoid";

    /// <inheritdoc/>
    public override Forwarded Forward(Params parameters, LayerState state, Tensor<double> x, StepContext context)
    {
        var (output, cache) = Sigmoid.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Backwarded Backward(SigmoidCache cache, Tensor<double> dOut) => new(Sigmoid.Backward(cache, dOut), Params.Empty);
}
