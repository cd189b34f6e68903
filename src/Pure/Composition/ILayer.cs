using System.Collections.Immutable;
using System.Numerics;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// A layer as a value: its configuration, and pure functions of parameters, state and input. Any chain of layers —
/// the library's, a user's own, <see cref="Sequential"/> and <see cref="Residual"/> — trains, replays and saves.
/// </summary>
/// <remarks>
/// Shapes given to a layer are per sample: a layer fed x of shape [batch, 784] is told <c>[784]</c>. The four kinds of
/// data are kept apart by type: the configuration is the layer value itself, the trainable parameters are
/// <see cref="Params{T}"/>, the non-trainable state (BatchNorm's running statistics) is <see cref="LayerState{T}"/>, and what
/// one forward call keeps for its backward is a <see cref="LayerCache"/>. Nothing passed in is ever written.
/// A layer is written once for every element type: <see cref="Forward{T}"/>, <see cref="Infer{T}"/> and
/// <see cref="Backward{T}"/> are generic over it (<see cref="double"/> or <see cref="float"/>), while its
/// configuration and <see cref="Init"/> (drawn in float64, then rounded) do not depend on it.
/// </remarks>
public interface ILayer
{
    /// <summary>
    /// The layer's kind in lower case, e.g. "affine" or "relu": the first token of its <see cref="Spec"/>, and part
    /// of its parameters' names and of its random keys in a network.
    /// </summary>
    string Kind { get; }

    /// <summary>
    /// The layer in the architecture string form (the façade's NetSpec reads it), e.g.
    /// "affine:100" or "dropout:0.3".
    /// </summary>
    string Spec { get; }

    /// <summary>The per-sample output shape for a per-sample input shape.</summary>
    /// <exception cref="ArgumentException">The layer cannot take that input; the message names the layer and both shapes.</exception>
    Shape OutputShape(Shape input);

    /// <summary>The trainable parameters <see cref="Init"/> makes for this input shape, in order, with their roles.</summary>
    ImmutableArray<ParamSpec> ParameterSpecs(Shape input);

    /// <summary>The non-trainable state <see cref="Init"/> makes for this input shape, in order.</summary>
    ImmutableArray<ParamSpec> StateSpecs(Shape input);

    /// <summary>
    /// The initial parameters and state for this input shape, drawn from <paramref name="key"/>; weights that are
    /// drawn at random use <paramref name="weights"/>.
    /// </summary>
    LayerInit Init(RngKey key, Shape input, Initializer weights);

    /// <summary>
    /// The output for x of shape [batch, …input], with the cache <see cref="Backward{T}"/> needs and the state after
    /// this call (the same state unless the layer updates it while training).
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The output at inference (no cache kept): equal to <c>Forward(…, StepContext.Inference).Output</c>.</summary>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The gradient at the input, and the gradient of every trainable parameter, in the structure of
    /// <see cref="Params{T}"/>, from the cache of one <see cref="Forward{T}"/> call and the gradient at its output.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
