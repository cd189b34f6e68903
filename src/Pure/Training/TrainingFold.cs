using System.Numerics;
using System.Runtime.InteropServices;
using Functional.Data;
using Functional.Losses;
using Functional.Networks;
using Functional.Parallelism;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Training;

/// <summary>One training step's result: the next state and the loss of the batch before the update.</summary>
/// <param name="State">The state after the update.</param>
/// <param name="Loss">The batch's loss at the parameters the step started from.</param>
public sealed record StepResult(TrainState State, double Loss);

/// <summary>
/// Training as a pure fold: <see cref="Start"/> gives the first state, <see cref="Step"/> maps a state to the next.
/// Every step is written once, generic over the element type; the untyped overloads pick it from the config's
/// <see cref="TrainConfig.Precision"/> (or the state's).
/// </summary>
public static class TrainingFold
{
    [ThreadStatic]
    private static double[]? _scratch64;

    [ThreadStatic]
    private static float[]? _scratch32;

    [ThreadStatic]
    private static byte[]? _pixels;

    /// <summary>
    /// The state before step 0, in the config's precision: parameters from <see cref="TrainConfig.Initializer"/> with
    /// the seed's first key (drawn in float64, then rounded to the nearest float32 for a float32 run), the batch key
    /// its second, and the optimizer's initial state, so the same seed gives the same run.
    /// </summary>
    public static TrainState Start(Network network, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Precision == Precision.Float32 ? Start<float>(network, config) : Start<double>(network, config);
    }

    /// <summary>The state before step 0, in <typeparamref name="T"/>, which must be the config's precision.</summary>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the config's precision.</exception>
    public static TrainState<T> Start<T>(Network network, TrainConfig config)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        RequirePrecision<T>("TrainingFold.Start", config);
        var (initKey, batchKey) = Keys(config.Seed);
        var (parameters, state) = Mlp.Initial(network, initKey, config.Initializer);
        var typed = parameters.Convert<T>();
        return new TrainState<T>(typed, 0, batchKey)
        {
            State = state.Convert<T>(),
            Optimizer = config.Rule.Init(typed),
        };
    }

    /// <summary>
    /// The keys a seed gives a run: the first initialises the weights, the second draws the batches. Everything
    /// that must start where <see cref="Start"/> does derives its keys here.
    /// </summary>
    public static (RngKey Init, RngKey Batches) Keys(ulong seed) => RngKey.FromSeed(seed).Split();

    /// <summary><see cref="Step{T}"/> for a state of either element type.</summary>
    /// <exception cref="ArgumentException">The data does not fit the network, or the state is not in the config's precision.</exception>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    public static StepResult Step(Network network, TrainState state, ILabeledData train, TrainConfig config) => state switch
    {
        TrainState<double> wide => ToResult(Step(network, wide, train, config)),
        TrainState<float> single => ToResult(Step(network, single, train, config)),
        null => throw new ArgumentNullException(nameof(state)),
        _ => throw new ArgumentException($"TrainingFold.Step: expected a float64 or float32 state, got {state.GetType().Name}.", nameof(state)),
    };

    private static StepResult ToResult<T>((TrainState<T> State, double Loss) step)
        where T : unmanaged, IFloatingPointIeee754<T> => new(step.State, step.Loss);

    /// <summary>
    /// Draws step <c>state.Step</c>'s batch, backpropagates and applies the update rule, all in
    /// <typeparamref name="T"/>. The loss reported is the batch's loss before the update, which backprop computes
    /// anyway (the book runs one more forward pass after the update), plus weight decay's penalty ½λΣW² when there
    /// is one, as the book adds it.
    /// </summary>
    /// <remarks>
    /// Plain SGD on a plain MLP (Affine layers with ReLU or sigmoid between them) takes the fused path
    /// (<see cref="Mlp.SgdStep"/>); every other chain the general one:
    /// <see cref="Mlp.TrainingPass{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels, RngKey)"/> with the step's
    /// key, then <see cref="Optimizers.UpdateRule.Apply"/> on the trainable parameters, and the network's new state.
    /// Both give the same bits for the networks both can train. On the fused path, image data (a
    /// <see cref="Dataset"/>) reaches the first layer as its pixels, read as pixel / 255 where used: the same bits
    /// as float features, from an eighth of their memory.
    /// </remarks>
    /// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
    /// <exception cref="ArgumentException">The data does not fit the network's input or output width, or <typeparamref name="T"/> is not the config's precision.</exception>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    public static (TrainState<T> State, double Loss) Step<T>(Network network, TrainState<T> state, ILabeledData train, TrainConfig config)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        RequireFit(network, train);
        RequirePrecision<T>("TrainingFold.Step", config);
        var indices = BatchSampler.Indices(state.BatchKey, state.Step, config.BatchSize, train.Count);
        double loss;
        ParamTree<T> updated;
        var networkState = state.State;
        var optimizer = state.Optimizer;
        if (config.IsPlainSgd && network.IsPlainMlp)
        {
            (loss, updated) = train is IPixelWriter images
                ? Mlp.SgdStepOnPixels(network, state.Params, DrawPixels(images, indices, train.Features, out var p), p, config.LearningRate)
                : Mlp.SgdStep(network, state.Params, DrawBatch<T>(train, indices, out var t), t, config.LearningRate);
            optimizer = optimizer with { Count = optimizer.Count + 1 };
        }
        else
        {
            var pass = Mlp.TrainingPass(network, state.Params, state.State, DrawBatch<T>(train, indices, out var t), t, DropoutKey(state));
            loss = pass.Loss + config.Rule.Penalty(state.Params, network.WeightNames);
            (updated, optimizer) = config.Rule.Apply(state.Params, pass.Gradient, state.Optimizer, network.WeightNames);
            networkState = pass.State;
        }
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(state.Step, loss);
        }
        if (train is IPixelWriter pixels)
        {
            // The next step's samples start loading now, so its batch does not wait on each row in turn. A hint
            // only: the step computes the same values with or without it.
            pixels.Prefetch(BatchSampler.Indices(state.BatchKey, state.Step + 1, config.BatchSize, train.Count));
        }
        return (state with { Params = updated, State = networkState, Step = state.Step + 1, Optimizer = optimizer }, loss);
    }

    /// <summary>
    /// The key of step <c>state.Step</c>'s randomness inside the network (Dropout layer k's masks use <c>FoldIn(k)</c>):
    /// a function of the batch key and the step alone, so a resumed or replayed step draws the same masks.
    /// </summary>
    public static RngKey DropoutKey(TrainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.BatchKey.FoldIn((ulong)state.Step).FoldIn(DropoutStream);
    }

    // Separates the Dropout keys from the batch indices, which come from the same step key's bits.
    private const ulong DropoutStream = 0xD0;

    private static void RequirePrecision<T>(string operation, TrainConfig config)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var precision = typeof(T) == typeof(float) ? Precision.Float32 : Precision.Float64;
        if (config.Precision != precision)
        {
            throw new ArgumentException(
                $"{operation}: the config trains in {config.Precision}, but the state holds {typeof(T).Name} values ({precision}).", nameof(config));
        }
    }

    /// <summary>
    /// The step's batch. For data that can write into a buffer, the features go into this thread's scratch
    /// buffer, reused every step: the batch is the largest array a step would allocate, and the tensor wrapping
    /// the buffer never leaves <see cref="Step{T}"/> (backprop's caches die with it; the results are fresh arrays).
    /// </summary>
    private static Tensor<T> DrawBatch<T>(ILabeledData train, int[] indices, out Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (train is not IBatchWriter writer)
        {
            (var x, labels) = train.Batch(indices);
            return Conversions.Convert<double, T>(x);
        }
        T[] buffer = typeof(T) == typeof(float)
            ? (T[])(object)Scratch(ref _scratch32, indices.Length * train.Features)
            : (T[])(object)Scratch(ref _scratch64, indices.Length * train.Features);
        labels = Fill(writer, indices, buffer, train.Features);
        return new Tensor<T>(new Shape(indices.Length, train.Features), buffer);
    }

    /// <summary>
    /// The step's batch as pixels, in this thread's pixel buffer: the first layer reads them as the features they
    /// stand for, with the same bits, from an eighth of the memory float64 features take (so the batch, the weights
    /// and their update stay in each core's cache).
    /// </summary>
    private static PixelBatch DrawPixels(IPixelWriter images, int[] indices, int features, out Labels labels)
    {
        var buffer = Scratch(ref _pixels, indices.Length * features);
        var classes = new int[indices.Length];
        images.WritePixels(indices, buffer, classes);
        labels = Labels.FromIndices(classes);
        return new PixelBatch(buffer, indices.Length, features);
    }

    private static T[] Scratch<T>(ref T[]? scratch, int size)
    {
        if (scratch is null || scratch.Length != size)
        {
            scratch = new T[size];
        }
        return scratch;
    }

    private static Labels Fill<T>(IBatchWriter writer, int[] indices, T[] buffer, int features) where T : unmanaged
    {
        var labels = new int[indices.Length];
        if (Environment.ProcessorCount > 1 && buffer.Length >= 1 << 15)
        {
            // Two halves of the rows on two threads: each element is written the same way either way.
            var half = indices.Length / 2;
            Fork.Invoke(
                () => Write(writer, indices.AsSpan(0, half), buffer.AsSpan(0, half * features), labels.AsSpan(0, half)),
                () => Write(writer, indices.AsSpan(half), buffer.AsSpan(half * features), labels.AsSpan(half)));
        }
        else
        {
            Write(writer, indices, buffer, labels);
        }
        return Labels.FromIndices(labels);
    }

    private static void Write<T>(IBatchWriter writer, ReadOnlySpan<int> indices, Span<T> features, Span<int> labels) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            writer.WriteBatch(indices, MemoryMarshal.Cast<T, float>(features), labels);
        }
        else
        {
            writer.WriteBatch(indices, MemoryMarshal.Cast<T, double>(features), labels);
        }
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
