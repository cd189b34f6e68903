using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Sigmoid"/> as a layer value: out = 1 / (1 + exp(−x)) elementwise.</summary>
public sealed record SigmoidLayer : BuiltInLayer
{
    /// <inheritdoc/>
    public override string Kind => "sigmoid";

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (output, cache) = Sigmoid.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut) => new(Sigmoid.Backward(Own<SigmoidCache<T>>(cache), dOut), Params<T>.Empty);
}
