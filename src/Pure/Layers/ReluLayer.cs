using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="Relu"/> as a layer value: out = max(0, x) elementwise.</summary>
public sealed record ReluLayer : BuiltInLayer<ReluCache>
{
    /// <inheritdoc/>
    public override string Kind => "relu";

    /// <inheritdoc/>
    public override Forwarded Forward(Params parameters, LayerState state, Tensor<double> x, StepContext context)
    {
        var (output, cache) = Relu.Forward(x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Tensor<double> Infer(Params parameters, LayerState state, Tensor<double> x) => Relu.Apply(x);

    /// <inheritdoc/>
    public override Backwarded Backward(ReluCache cache, Tensor<double> dOut) => new(Relu.Backward(cache, dOut), Params.Empty);
}
