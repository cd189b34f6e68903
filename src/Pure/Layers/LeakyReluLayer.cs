using Functional.Composition;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary><see cref="LeakyRelu"/> as a layer value: out = x where x &gt; 0, else α·x.</summary>
public sealed record LeakyReluLayer : BuiltInLayer
{
    /// <summary>The default slope, 0.01.</summary>
    public const double DefaultAlpha = 0.01;

    /// <summary>A leaky ReLU with slope <paramref name="alpha"/> for x ≤ 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α is not a finite value in [0, 1).</exception>
    public LeakyReluLayer(double alpha = DefaultAlpha) =>
        Alpha = double.IsFinite(alpha) && alpha is >= 0 and < 1
            ? alpha
            : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"LeakyReluLayer: alpha must be a finite value in [0, 1), got {alpha}.");

    /// <summary>The slope for x ≤ 0.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public override string Kind => "leakyrelu";

    /// <summary>"leakyrelu", or "leakyrelu:α" for a slope other than 0.01.</summary>
    public override string Spec => Alpha.Equals(DefaultAlpha) ? Kind : $"{Kind}:{SpecNumber.Format(Alpha)}";

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (output, cache) = LeakyRelu.Forward(x, Alpha);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut) => new(LeakyRelu.Backward(Own<LeakyReluCache>(cache), dOut), Params<T>.Empty);
}
