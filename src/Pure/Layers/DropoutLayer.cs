using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary>
/// <see cref="Dropout"/> as a layer value: while training, each output is dropped with probability
/// <see cref="Ratio"/> and the rest scaled by 1/(1 − ratio), from the step's key; at inference it is the identity.
/// </summary>
public sealed record DropoutLayer : BuiltInLayer
{
    /// <summary>Dropout of the given ratio.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not a finite value in [0, 1).</exception>
    public DropoutLayer(double ratio) =>
        Ratio = double.IsFinite(ratio) && ratio is >= 0 and < 1
            ? ratio
            : throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"DropoutLayer: the ratio must be a finite value in [0, 1), got {ratio}.");

    /// <summary>The fraction of outputs dropped while training.</summary>
    public double Ratio { get; }

    /// <inheritdoc/>
    public override string Kind => "dropout";

    /// <inheritdoc/>
    public override string Spec => $"{Kind}:{SpecNumber.Format(Ratio)}";

    /// <summary>While training, the mask drawn from <c>context.Key</c>; at inference x itself, and a cache of ones.</summary>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        if (context.Training)
        {
            var (output, cache) = Dropout.Forward(x, context.Key, Ratio);
            return new(output, cache, state);
        }
        ArgumentNullException.ThrowIfNull(x);
        return new(x, new DropoutCache<T>(Tensor.Filled(T.One, x.Shape.Dims.AsSpan())), state);
    }

    /// <inheritdoc/>
    public override Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x) => x ?? throw new ArgumentNullException(nameof(x));

    /// <inheritdoc/>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut) => new(Dropout.Backward(Own<DropoutCache<T>>(cache), dOut), Params<T>.Empty);
}
