using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Relu"/> as a layer value: out = max(0, x) elementwise.</summary>
public sealed record ReluLayer : BuiltInLayer
{
    /// <inheritdoc/>
    public override string Kind => "relu";

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (output, cache) = Relu.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x) => Relu.Apply(x);

    /// <inheritdoc/>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut) => new(Relu.Backward(Own<ReluCache>(cache), dOut), Params<T>.Empty);
}
