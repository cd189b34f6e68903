using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Tanh"/> as a layer value: out = tanh(x) elementwise.</summary>
public sealed record TanhLayer : BuiltInLayer
{
    /// <inheritdoc/>
    public override string Kind => "tanh";

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (output, cache) = Tanh.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut) => new(Tanh.Backward(Own<TanhCache<T>>(cache), dOut), Params<T>.Empty);
}
