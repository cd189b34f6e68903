using Functional.Data;
using Functional.Losses;
using Functional.Networks;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Training;

/// <summary>One training step's result: the next state and the loss of the batch before the update.</summary>
/// <param name="State">The state after the update.</param>
/// <param name="Loss">The batch's loss at the parameters the step started from.</param>
public sealed record StepResult(TrainState State, double Loss);

/// <summary>Training as a pure fold: <see cref="Start"/> gives the first state, <see cref="Step"/> maps a state to the next.</summary>
public static class TrainingFold
{
    [ThreadStatic]
    private static double[]? _scratch;

    /// <summary>
    /// The state before step 0: parameters from <see cref="Mlp.Init"/> with the seed's first key, and the batch key
    /// its second, so the same seed gives the same run.
    /// </summary>
    public static TrainState Start(Network network, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (initKey, batchKey) = Keys(config.Seed);
        return new TrainState(Mlp.Init(network, initKey, config.WeightStd), 0, batchKey);
    }

    /// <summary>
    /// The keys a seed gives a run: the first initialises the weights, the second draws the batches. Everything
    /// that must start where <see cref="Start"/> does derives its keys here.
    /// </summary>
    public static (RngKey Init, RngKey Batches) Keys(ulong seed) => RngKey.FromSeed(seed).Split();

    /// <summary>
    /// Draws step <c>state.Step</c>'s batch, backpropagates and applies SGD. The loss reported is the batch's loss
    /// before the update, which backprop computes anyway (the book runs one more forward pass after the update).
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network's input or output width.</exception>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    public static StepResult Step(Network network, TrainState state, ILabeledData train, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        RequireFit(network, train);
        var indices = BatchSampler.Indices(state.BatchKey, state.Step, config.BatchSize, train.Count);
        var (x, t) = DrawBatch(train, indices);
        var (loss, updated) = Mlp.SgdStep(network, state.Params, x, t, config.LearningRate);
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(state.Step, loss);
        }
        var next = state with { Params = updated, Step = state.Step + 1 };
        return new StepResult(next, loss);
    }

    /// <summary>
    /// The step's batch. For data that can write into a buffer, the features go into this thread's scratch
    /// buffer, reused every step: the batch is the largest array a step would allocate, and the tensor wrapping
    /// the buffer never leaves <see cref="Step"/> (backprop's caches die with it; the gradient is fresh arrays).
    /// </summary>
    private static (Tensor X, Labels T) DrawBatch(ILabeledData train, int[] indices)
    {
        if (train is not IBatchWriter writer)
        {
            return train.Batch(indices);
        }
        var size = indices.Length * train.Features;
        if (_scratch is null || _scratch.Length != size)
        {
            _scratch = new double[size];
        }
        var labels = new int[indices.Length];
        var buffer = _scratch;
        if (Environment.ProcessorCount > 1 && size >= 1 << 15)
        {
            // Two halves of the rows on two threads: each element is written the same way either way.
            var half = indices.Length / 2;
            var features = train.Features;
            Parallel.Invoke(
                () => writer.WriteBatch(indices.AsSpan(0, half), buffer.AsSpan(0, half * features), labels.AsSpan(0, half)),
                () => writer.WriteBatch(indices.AsSpan(half), buffer.AsSpan(half * features), labels.AsSpan(half)));
        }
        else
        {
            writer.WriteBatch(indices, buffer, labels);
        }
        return (new Tensor(new Shape(indices.Length, train.Features), _scratch), Labels.FromIndices(labels));
    }

    /// <summary>Checks that the data's sample width and class count match the network's input and output.</summary>
    /// <exception cref="ArgumentException">They differ; the message names both.</exception>
    public static void RequireFit(Network network, ILabeledData data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != network.InputSize)
        {
            throw new ArgumentException(
                $"the network's input width is {network.InputSize}, but {data.Name} has {data.Features} features per sample.", nameof(data));
        }
        if (data.Classes != network.OutputSize)
        {
            throw new ArgumentException(
                $"the network's output width is {network.OutputSize}, but {data.Name} has {data.Classes} classes.", nameof(data));
        }
    }
}
