using System.Collections.Immutable;
using System.Numerics;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// A convenient base for a layer: an elementwise layer overrides <see cref="Kind"/>, <see cref="Forward{T}"/> and
/// <see cref="Backward{T}"/> (which reads its own cache back with <see cref="Own{TCache}"/>); a layer with parameters
/// also overrides <see cref="ParameterSpecs"/> (and <see cref="Init"/> if zeros and drawn weights are not what it
/// starts from). Forward and Backward are written once, over any element type T, with .NET's generic math
/// (<c>T.One</c>, <c>T.Exp</c>, …).
/// </summary>
public abstract record Layer : ILayer
{
    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    /// <remarks>The kind alone, unless overridden.</remarks>
    public virtual string Spec => Kind;

    /// <inheritdoc/>
    /// <remarks>The input shape, unless overridden: right for elementwise layers.</remarks>
    public virtual Shape OutputShape(Shape input) => input;

    /// <inheritdoc/>
    /// <remarks>None, unless overridden.</remarks>
    public virtual ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [];

    /// <inheritdoc/>
    /// <remarks>None, unless overridden.</remarks>
    public virtual ImmutableArray<ParamSpec> StateSpecs(Shape input) => [];

    /// <inheritdoc/>
    /// <remarks>
    /// Unless overridden: every rank-2 <see cref="ParamRole.Weight"/> [fanIn, fanOut] drawn by
    /// <paramref name="weights"/> from <c>key.FoldIn(i)</c> (i its position), every other parameter and all state zero.
    /// </remarks>
    public virtual LayerInit Init(RngKey key, Shape input, Initializer weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var specs = ParameterSpecs(input);
        var parameters = new Tensor<double>[specs.Length];
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            parameters[i] = spec is { Role: ParamRole.Weight, Shape.Rank: 2 }
                ? weights.Weights(key.FoldIn((ulong)i), spec.Shape[0], spec.Shape[1])
                : Tensor.Zeros<double>(spec.Shape.Dims.AsSpan());
        }
        var state = StateSpecs(input).Select(s => Tensor.Zeros<double>(s.Shape.Dims.AsSpan())).ToImmutableArray();
        return new LayerInit(new Params<double>([.. parameters]), new LayerState<double>(state));
    }

    /// <inheritdoc/>
    public abstract Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <inheritdoc/>
    /// <remarks><c>Forward(…, StepContext.Inference).Output</c>, unless overridden.</remarks>
    public virtual Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(parameters, state, x, StepContext.Inference).Output;

    /// <inheritdoc/>
    public abstract Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// <paramref name="cache"/> as the cache type this layer's Forward makes (for Backward to read), or an
    /// <see cref="ArgumentException"/> naming the layer, the type expected and the type given.
    /// </summary>
    /// <typeparam name="TCache">The record this layer's Forward keeps for its Backward.</typeparam>
    protected TCache Own<TCache>(LayerCache cache)
        where TCache : LayerCache => cache as TCache
        ?? throw new ArgumentException(
            $"{GetType().Name}.Backward: expected the {CacheName(typeof(TCache))} this layer's Forward made, got {(cache is null ? "null" : CacheName(cache.GetType()))}.",
            nameof(cache));

    // "SwishCache<Single>" rather than "SwishCache`1".
    private static string CacheName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(CacheName))}>"
        : type.Name;

    /// <summary>Throws unless the parameters have the count this layer declares; names the layer and both counts.</summary>
    /// <exception cref="ArgumentException">They differ.</exception>
    protected void RequireCount<T>(TensorList<T> values, int expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != expected)
        {
            throw new ArgumentException(
                $"{GetType().Name}: expected {expected} {(values is LayerState<T> ? "state tensors" : "parameters")}, got {values.Count}.", nameof(values));
        }
    }
}
