using System.Numerics;
using Functional.Data;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Training;

/// <summary>
/// A network's mean loss and correct count over a whole data set, at inference, in chunks that bound memory. The
/// chunks go through one buffer per thread, reused: evaluating after every epoch would otherwise make megabytes of
/// garbage each time, which the collector then reclaims during the training steps that follow.
/// </summary>
public static class DataEvaluation
{
    /// <summary>Samples per chunk.</summary>
    public const int Chunk = 1000;

    // Buffers by length: a full chunk, and the last, shorter chunk of each data set evaluated (a tensor needs an
    // array of its exact length). A handful at most; a new length beyond that replaces them.
    [ThreadStatic]
    private static Dictionary<int, double[]>? _scratch64;

    [ThreadStatic]
    private static Dictionary<int, float[]>? _scratch32;

    private const int MaxBuffers = 4;

    /// <summary>
    /// The mean loss (chunk losses weighted by size and summed in order, so it repeats bit for bit) and how many
    /// samples' highest score is their label.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static (double MeanLoss, long Correct) Of<T>(Network network, ParamTree<T> parameters, ILabeledData data)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Of(network, parameters, ParamTree<T>.Empty, data);

    /// <summary>The same, for a network with state (BatchNorm's running statistics).</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static (double MeanLoss, long Correct) Of<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, ILabeledData data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        TrainingFold.RequireFit(network, data);
        var (loss, correct) = (0.0, 0L);
        for (var start = 0; start < data.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, data.Count - start);
            var (chunkLoss, chunkCorrect) = Mlp.Evaluate(network, parameters, state, ChunkOf<T>(data, start, count, out var labels), labels);
            loss += chunkLoss * count;
            correct += chunkCorrect;
        }
        return (loss / data.Count, correct);
    }

    // The tensor wraps this thread's buffer and never leaves Of: Mlp.Evaluate keeps nothing of its input.
    private static Tensor<T> ChunkOf<T>(ILabeledData data, int start, int count, out Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] indices = [.. Enumerable.Range(start, count)];
        if (data is not IBatchWriter writer)
        {
            (var x, labels) = data.Batch(indices);
            return Conversions.Convert<double, T>(x);
        }
        var size = count * data.Features;
        var classes = new int[count];
        T[] target;
        if (typeof(T) == typeof(float))
        {
            var buffer = Buffer(ref _scratch32, size);
            writer.WriteBatch(indices, buffer, classes);
            target = (T[])(object)buffer;
        }
        else
        {
            var buffer = Buffer(ref _scratch64, size);
            writer.WriteBatch(indices, buffer, classes);
            target = (T[])(object)buffer;
        }
        labels = Labels.FromIndices(classes);
        return new Tensor<T>(new Shape(count, data.Features), target);
    }

    private static TElement[] Buffer<TElement>(ref Dictionary<int, TElement[]>? scratch, int size)
    {
        scratch ??= [];
        if (!scratch.TryGetValue(size, out var target))
        {
            if (scratch.Count >= MaxBuffers)
            {
                scratch.Clear();
            }
            target = new TElement[size];
            scratch[size] = target;
        }
        return target;
    }
}
