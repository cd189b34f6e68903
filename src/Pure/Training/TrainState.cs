using System.Collections.Immutable;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;

namespace Functional.Training;

/// <summary>Everything a training run carries from one step to the next; step n + 1 is a function of this alone.</summary>
/// <param name="Params">The trainable parameters after <paramref name="Step"/> steps.</param>
/// <param name="Step">How many steps have been taken.</param>
/// <param name="BatchKey">The key that, folded with a step number, draws that step's batch.</param>
public sealed record TrainState(ParamTree Params, long Step, RngKey BatchKey)
{
    /// <summary>
    /// The network's non-trainable state after <see cref="Step"/> steps (BatchNorm's running statistics), which
    /// training replaces instead of descending on; empty for most networks.
    /// </summary>
    public ParamTree State { get; init; } = ParamTree.Empty;

    /// <summary>
    /// The parameters and the state in one tree, as files hold them and as parameter hashes cover them (for a network
    /// without state, <see cref="Params"/> itself).
    /// </summary>
    public ParamTree Tensors => Networks.Mlp.Merge(Params, State);

    /// <summary>The optimizer's state: its buffers (momentum, squared-gradient averages, …) and update count.</summary>
    public OptimizerState Optimizer { get; init; } = OptimizerState.Empty;

    /// <summary>
    /// A fingerprint of everything a step carries forward: every parameter's and state tensor's
    /// <see cref="ParamTree.LeafHashes"/>, and every optimizer buffer's as "optimizer.SLOT/PARAM". Plain SGD has no
    /// buffers, so its fingerprint is the parameters' alone.
    /// </summary>
    public ImmutableSortedDictionary<string, string> LeafHashes()
    {
        var hashes = State.Leaves.IsEmpty ? Params.LeafHashes() : Params.LeafHashes().AddRange(State.LeafHashes());
        return Optimizer.Slots.IsEmpty
            ? hashes
            : hashes.AddRange(Optimizer.Flatten().LeafHashes().Select(kv => KeyValuePair.Create(OptimizerPrefix + kv.Key, kv.Value)));
    }

    /// <summary>The prefix of optimizer buffers' names in fingerprints and checkpoints.</summary>
    public const string OptimizerPrefix = "optimizer.";
}
