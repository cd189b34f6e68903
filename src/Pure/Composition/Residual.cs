using System.Collections.Immutable;
using System.Numerics;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>What <see cref="Residual"/>'s forward keeps: the inner layer's cache.</summary>
/// <param name="Inner">The inner layer's cache.</param>
/// <param name="Input">The per-sample input shape it ran on.</param>
public sealed record ResidualCache(LayerCache Inner, Shape Input) : LayerCache;

/// <summary>
/// A skip connection: out = x + inner(x), for an inner layer that keeps the shape. Both paths reach x, so the
/// backward adds their gradients: dx = dOut + inner's dx. Its parameters and state are the inner layer's.
/// </summary>
/// <param name="Inner">The layer (often a <see cref="Sequential"/>) whose output is added to its input.</param>
public sealed record Residual(ILayer Inner) : ILayer
{
    /// <summary>The inner layer; a <see cref="Sequential"/> of one layer is kept as that layer, which computes the same.</summary>
    // So that Residual(Sequential.Of(x)) equals Residual(x), whose Spec it shares and which parsing its Spec gives.
    public ILayer Inner { get; } = Inner switch
    {
        null => throw new ArgumentNullException(nameof(Inner), "Residual: the inner layer is null."),
        Sequential { Layers: [var only] } => only,
        _ => Inner,
    };

    /// <inheritdoc/>
    public string Kind => "residual";

    /// <summary>"residual(" + the inner layer's spec + ")", e.g. "residual(affine:50,tanh)".</summary>
    public string Spec => $"residual({Inner.Spec})";

    /// <inheritdoc/>
    public Shape OutputShape(Shape input) => LayerPlan.For(this, input).Output;

    /// <inheritdoc/>
    public ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => LayerPlan.For(this, input).Parameters;

    /// <inheritdoc/>
    public ImmutableArray<ParamSpec> StateSpecs(Shape input) => LayerPlan.For(this, input).State;

    /// <inheritdoc/>
    public LayerInit Init(RngKey key, Shape input, Initializer weights) => LayerPlan.For(this, input).Init(key, weights);

    /// <inheritdoc/>
    public Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return LayerPlan.For(this, Sequential.PerSample(x.Shape)).Forward(parameters, state, x, context.Training, context.Key);
    }

    /// <inheritdoc/>
    public Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return LayerPlan.For(this, Sequential.PerSample(x.Shape)).Infer(parameters, state, x);
    }

    /// <inheritdoc/>
    public Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var plan = cache is ResidualCache own
            ? LayerPlan.For(this, own.Input)
            : throw new ArgumentException($"Residual.Backward: expected the ResidualCache its Forward made, got {cache?.GetType().Name ?? "null"}.", nameof(cache));
        var (dx, gradient) = plan.Backward(cache, dOut);
        return new Backwarded<T>(dx!, gradient);
    }

    /// <summary>The <see cref="Spec"/>.</summary>
    public override string ToString() => Spec;
}
