using System.Collections.Immutable;
using System.Numerics;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;

namespace Functional.Training;

/// <summary>
/// Everything a training run carries from one step to the next, in the run's element type; step n + 1 is a function
/// of this alone. <see cref="TrainState{T}"/> holds the values; this base is what the shell (files, hashes, replay)
/// needs whatever the element type.
/// </summary>
public abstract record TrainState
{
    private protected TrainState(long step, RngKey batchKey) => (Step, BatchKey) = (step, batchKey);

    /// <summary>How many steps have been taken.</summary>
    public long Step { get; init; }

    /// <summary>The key that, folded with a step number, draws that step's batch.</summary>
    public RngKey BatchKey { get; init; }

    /// <summary>The element type the run computes in.</summary>
    public abstract Precision Precision { get; }

    /// <summary>
    /// The parameters and the network's state in one tree, as files hold them and as parameter hashes cover them, in
    /// float64 (a float32 value widened, exactly).
    /// </summary>
    public abstract ParamTree<double> Tensors { get; }

    /// <summary>
    /// A fingerprint of everything a step carries forward: every parameter's and state tensor's
    /// <see cref="ParamTree{T}.LeafHashes"/>, and every buffer of the update chain's state as "optimizer.SLOT/PARAM"
    /// (the last link's slots as they are, e.g. "optimizer.m/W1"; other stateful links' as
    /// "optimizer.LINK.SLOT/PARAM"). Plain SGD has no buffers, so its fingerprint is the parameters' alone.
    /// </summary>
    public abstract ImmutableSortedDictionary<string, string> LeafHashes();

    /// <summary>This state as the <see cref="TrainState{T}"/> it is, to read its values in their own type.</summary>
    /// <typeparam name="T">The run's element type.</typeparam>
    /// <exception cref="InvalidOperationException">The state holds another element type; the message names both.</exception>
    public TrainState<T> As<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => this as TrainState<T>
        ?? throw new InvalidOperationException($"TrainState.As: this state holds {Precision} values, not {typeof(T).Name}.");

    /// <summary>The same state in float64: every value widened, exactly (itself for a float64 run).</summary>
    public abstract TrainState<double> ToFloat64();

    /// <summary>
    /// A float64 state (as files hold it) in the element type of <paramref name="precision"/>: every value rounded to
    /// the nearest float32 for <see cref="Precision.Float32"/>, which changes nothing for a state a float32 run saved.
    /// </summary>
    public static TrainState FromFloat64(TrainState<double> state, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(state);
        return precision switch
        {
            Precision.Float64 => state,
            Precision.Float32 => state.Convert<float>(),
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, $"TrainState.FromFloat64: unknown precision {precision}."),
        };
    }

    /// <summary>The prefix of optimizer buffers' names in fingerprints and checkpoints.</summary>
    public const string OptimizerPrefix = "optimizer.";
}

/// <summary>A training state whose parameters, network state and optimizer buffers hold <typeparamref name="T"/> values.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record TrainState<T> : TrainState
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A state after <paramref name="step"/> steps with these parameters, no network state and no optimizer buffers.</summary>
    /// <param name="parameters">The trainable parameters after <paramref name="step"/> steps.</param>
    /// <param name="step">How many steps have been taken.</param>
    /// <param name="batchKey">The key that, folded with a step number, draws that step's batch.</param>
    public TrainState(ParamTree<T> parameters, long step, RngKey batchKey)
        : base(step, batchKey) => Params = parameters ?? throw new ArgumentNullException(nameof(parameters));

    /// <summary>The trainable parameters after <see cref="TrainState.Step"/> steps.</summary>
    public ParamTree<T> Params { get; init; }

    /// <summary>
    /// The network's non-trainable state (BatchNorm's running statistics), which training replaces instead of
    /// descending on; empty for most networks.
    /// </summary>
    public ParamTree<T> State { get; init; } = ParamTree<T>.Empty;

    /// <summary>
    /// The update chain's state (<see cref="TrainConfig.Transform"/>): every link's buffers (momentum,
    /// squared-gradient averages, …) and the shared update count.
    /// </summary>
    public OptimizerState<T> Optimizer { get; init; } = OptimizerState<T>.Empty;

    /// <inheritdoc/>
    public override Precision Precision => typeof(T) == typeof(float) ? Precision.Float32 : Precision.Float64;

    /// <summary>The parameters and the state in one tree, in T.</summary>
    public ParamTree<T> Merged => Networks.Mlp.Merge(Params, State);

    /// <inheritdoc/>
    public override ParamTree<double> Tensors => Merged.Convert<double>();

    /// <inheritdoc/>
    public override ImmutableSortedDictionary<string, string> LeafHashes()
    {
        var hashes = State.Leaves.IsEmpty ? Params.LeafHashes() : Params.LeafHashes().AddRange(State.LeafHashes());
        return Optimizer.Slots.IsEmpty
            ? hashes
            : hashes.AddRange(Optimizer.Flatten().LeafHashes().Select(kv => KeyValuePair.Create(OptimizerPrefix + kv.Key, kv.Value)));
    }

    /// <inheritdoc/>
    public override TrainState<double> ToFloat64() => Convert<double>();

    /// <summary>The same state with every value converted to <typeparamref name="TOther"/> (rounded to nearest).</summary>
    /// <typeparam name="TOther">The element type to convert to.</typeparam>
    public TrainState<TOther> Convert<TOther>()
        where TOther : unmanaged, IFloatingPointIeee754<TOther> =>
        typeof(TOther) == typeof(T)
            ? (TrainState<TOther>)(object)this
            : new TrainState<TOther>(Params.Convert<TOther>(), Step, BatchKey)
            {
                State = State.Convert<TOther>(),
                Optimizer = new OptimizerState<TOther>(Optimizer.Count,
                    Optimizer.Slots.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Convert<TOther>(), StringComparer.Ordinal)),
            };
}
