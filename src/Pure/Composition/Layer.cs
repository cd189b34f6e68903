using System.Collections.Immutable;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// A convenient base for a layer with its own cache type: an elementwise layer overrides <see cref="Kind"/>,
/// <see cref="Forward"/> and the typed <see cref="Backward(TCache, Tensor{double})"/>; a layer with parameters also overrides
/// <see cref="ParameterSpecs"/> (and <see cref="Init"/> if zeros and drawn weights are not what it starts from).
/// </summary>
/// <typeparam name="TCache">The record its forward keeps for its backward.</typeparam>
public abstract record Layer<TCache> : ILayer
    where TCache : LayerCache
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
        return new LayerInit(new Params([.. parameters]), new LayerState(state));
    }

    /// <inheritdoc/>
    public abstract Forwarded Forward(Params parameters, LayerState state, Tensor<double> x, StepContext context);

    /// <inheritdoc/>
    /// <remarks>Forward at inference, unless overridden to skip building the cache.</remarks>
    public virtual Tensor<double> Infer(Params parameters, LayerState state, Tensor<double> x) =>
        Forward(parameters, state, x, StepContext.Inference).Output;

    /// <summary>The gradients, from this layer's own cache type.</summary>
    public abstract Backwarded Backward(TCache cache, Tensor<double> dOut);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The cache is not a <typeparamref name="TCache"/>: it came from another layer.</exception>
    Backwarded ILayer.Backward(LayerCache cache, Tensor<double> dOut) => cache is TCache own
        ? Backward(own, dOut)
        : throw new ArgumentException(
            $"{GetType().Name}.Backward: expected the {typeof(TCache).Name} this layer's Forward made, got {cache?.GetType().Name ?? "null"}.",
            nameof(cache));

    /// <summary>Throws unless the parameters have the count this layer declares; names the layer and both counts.</summary>
    /// <exception cref="ArgumentException">They differ.</exception>
    protected void RequireCount(TensorList values, int expected)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != expected)
        {
            throw new ArgumentException(
                $"{GetType().Name}: expected {expected} {(values is LayerState ? "state tensors" : "parameters")}, got {values.Count}.", nameof(values));
        }
    }
}
