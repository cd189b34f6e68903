using Functional.Data;
using Functional.Float32;
using Functional.Losses;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parallelism;
using Functional.Parameters;
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

    [ThreadStatic]
    private static float[]? _scratch32;

    [ThreadStatic]
    private static byte[]? _pixels;

    /// <summary>
    /// The state before step 0: parameters from <see cref="TrainConfig.Initializer"/> with the seed's first key
    /// (rounded to float32 for the float32 path), the batch key its second, and the optimizer's initial state, so
    /// the same seed gives the same run.
    /// </summary>
    /// <exception cref="ArgumentException">The float32 path is asked for a network it does not train.</exception>
    public static TrainState Start(Network network, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        RequirePath(network, config);
        var (initKey, batchKey) = Keys(config.Seed);
        var (parameters, state) = Mlp.Initial(network, initKey, config.Initializer);
        return new TrainState(config.Precision == Precision.Float32 ? Mlp32.Round(parameters) : parameters, 0, batchKey)
        {
            State = state,
            Optimizer = config.Rule.Init(parameters),
        };
    }

    /// <summary>
    /// The keys a seed gives a run: the first initialises the weights, the second draws the batches. Everything
    /// that must start where <see cref="Start"/> does derives its keys here.
    /// </summary>
    public static (RngKey Init, RngKey Batches) Keys(ulong seed) => RngKey.FromSeed(seed).Split();

    /// <summary>
    /// Draws step <c>state.Step</c>'s batch, backpropagates and applies the update rule. The loss reported is the
    /// batch's loss before the update, which backprop computes anyway (the book runs one more forward pass after the
    /// update), plus weight decay's penalty ½λΣW² when there is one, as the book adds it.
    /// </summary>
    /// <remarks>
    /// Plain SGD on a plain MLP (Affine layers with ReLU or sigmoid between them) takes the fused path
    /// (<see cref="Mlp.SgdStep"/>, or <see cref="Mlp32.SgdStep"/> in float32); every other chain the general one:
    /// <see cref="Mlp.TrainingPass(Network, ParamTree, ParamTree, Tensor{double}, Labels, RngKey)"/> with the step's key, then
    /// <see cref="UpdateRule.Apply"/> on the trainable parameters, and the network's new state. Both give the same bits for the networks both can train. On the fused path, image data
    /// (a <see cref="Dataset"/>) reaches the first layer as its pixels, read as pixel / 255 where used: the same bits
    /// as float features, from an eighth of their memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The data does not fit the network's input or output width.</exception>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    public static StepResult Step(Network network, TrainState state, ILabeledData train, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        RequireFit(network, train);
        RequirePath(network, config);
        var indices = BatchSampler.Indices(state.BatchKey, state.Step, config.BatchSize, train.Count);
        double loss;
        ParamTree updated;
        var networkState = state.State;
        var optimizer = state.Optimizer;
        if (config.Precision == Precision.Float32)
        {
            (loss, updated) = train is IPixelWriter images
                ? Mlp32.SgdStepOnPixels(network, state.Params, DrawPixels(images, indices, train.Features, out var p32), p32, config.LearningRate)
                : Mlp32.SgdStep(network, state.Params, DrawBatch32(train, indices, out var t32), t32, config.LearningRate);
            optimizer = optimizer with { Count = optimizer.Count + 1 };
        }
        else if (config.IsPlainSgd && network.IsPlainMlp)
        {
            (loss, updated) = train is IPixelWriter images
                ? Mlp.SgdStepOnPixels(network, state.Params, DrawPixels(images, indices, train.Features, out var p), p, config.LearningRate)
                : Mlp.SgdStep(network, state.Params, DrawBatch(train, indices, out var t), t, config.LearningRate);
            optimizer = optimizer with { Count = optimizer.Count + 1 };
        }
        else
        {
            var pass = Mlp.TrainingPass(network, state.Params, state.State, DrawBatch(train, indices, out var t), t, DropoutKey(state));
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
        return new StepResult(state with { Params = updated, State = networkState, Step = state.Step + 1, Optimizer = optimizer }, loss);
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

    private static void RequirePath(Network network, TrainConfig config)
    {
        if (config.Precision == Precision.Float32 && !network.IsPlainMlp)
        {
            throw new ArgumentException(
                $"TrainingFold: the float32 path trains Affine layers with ReLU or sigmoid between them, got {network.Describe()}.", nameof(network));
        }
    }

    /// <summary>
    /// The step's batch. For data that can write into a buffer, the features go into this thread's scratch
    /// buffer, reused every step: the batch is the largest array a step would allocate, and the tensor wrapping
    /// the buffer never leaves <see cref="Step"/> (backprop's caches die with it; the results are fresh arrays).
    /// </summary>
    private static Tensor<double> DrawBatch(ILabeledData train, int[] indices, out Labels labels)
    {
        if (train is not IBatchWriter writer)
        {
            (var x, labels) = train.Batch(indices);
            return x;
        }
        var buffer = Scratch(ref _scratch, indices.Length * train.Features);
        labels = Fill(writer, indices, buffer, train.Features);
        return new Tensor<double>(new Shape(indices.Length, train.Features), buffer);
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

    /// <summary>The step's batch in float32, through this thread's float32 scratch buffer where the data allows.</summary>
    private static Matrix32 DrawBatch32(ILabeledData train, int[] indices, out Labels labels)
    {
        if (train is not IBatchWriter writer)
        {
            (var x, labels) = train.Batch(indices);
            return Matrix32.FromTensor(x);
        }
        var buffer = Scratch(ref _scratch32, indices.Length * train.Features);
        labels = Fill(writer, indices, buffer, train.Features);
        return new Matrix32(indices.Length, train.Features, buffer);
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
            writer.WriteBatch(indices, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(features), labels);
        }
        else
        {
            writer.WriteBatch(indices, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(features), labels);
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
