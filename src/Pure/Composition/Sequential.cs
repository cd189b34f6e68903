using System.Collections.Immutable;
using System.Numerics;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>What <see cref="Sequential"/>'s forward keeps: each layer's cache, in order.</summary>
/// <param name="Caches">The layers' caches.</param>
/// <param name="Input">The per-sample input shape it ran on.</param>
public sealed record SequentialCache(ImmutableArray<LayerCache> Caches, Shape Input) : LayerCache;

/// <summary>
/// Layers applied one after the other: out = fₙ(…f₂(f₁(x))). Its parameters and state are its layers', in order, named
/// as <see cref="ILayer"/>'s remarks describe; its cache is theirs; its backward is the reverse fold of theirs.
/// A Sequential inside a Sequential is spliced into it, which changes nothing it computes.
/// </summary>
public sealed record Sequential : ILayer
{
    /// <summary>The layers, in order.</summary>
    /// <exception cref="ArgumentException">There are none, or one is null.</exception>
    public Sequential(IEnumerable<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("Sequential: expected at least one layer, got none.", nameof(layers));
        }
        var nullAt = Array.FindIndex(list, l => l is null);
        if (nullAt >= 0)
        {
            throw new ArgumentException($"Sequential: layer {nullAt + 1} is null.", nameof(layers));
        }
        Layers = [.. list.SelectMany(l => l is Sequential inner ? inner.Layers.AsEnumerable() : [l])];
    }

    /// <summary>The layers, in order.</summary>
    public static Sequential Of(params ILayer[] layers) => new(layers);

    /// <summary>The layers, in order, with no Sequential among them.</summary>
    public ImmutableArray<ILayer> Layers { get; }

    /// <inheritdoc/>
    public string Kind => "sequential";

    /// <summary>The layers' specs joined by commas, e.g. "affine:50,relu,affine:10".</summary>
    public string Spec => string.Join(",", Layers.Select(l => l.Spec));

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
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Plan(x).Forward(parameters, state, x, context.Training, context.Key);

    /// <inheritdoc/>
    public Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Plan(x).Infer(parameters, state, x);

    /// <inheritdoc/>
    public Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(dOut);
        var (dx, gradient) = PlanFor(cache, dOut).Backward(cache, dOut);
        return new Backwarded<T>(dx!, gradient);
    }

    /// <summary>True when both have equal layers in the same order.</summary>
    public bool Equals(Sequential? other) => other is not null && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc/>
    public override int GetHashCode() => Layers.Aggregate(0, (h, l) => HashCode.Combine(h, l));

    /// <summary>The <see cref="Spec"/>.</summary>
    public override string ToString() => Spec;

    private LayerPlan Plan<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        return LayerPlan.For(this, PerSample(x.Shape));
    }

    private LayerPlan PlanFor<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T> => cache is SequentialCache { Input: { } input }
        ? LayerPlan.For(this, input)
        : throw new ArgumentException($"Sequential.Backward: expected the SequentialCache its Forward made, got {cache?.GetType().Name ?? "null"}.", nameof(cache));

    internal static Shape PerSample(Shape shape) =>
        shape.Rank >= 2 ? new Shape(shape.Dims.AsSpan()[1..]) : throw new ArgumentException($"expected x of shape [batch, …], got {shape}.", nameof(shape));
}
