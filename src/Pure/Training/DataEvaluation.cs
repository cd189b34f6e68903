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
    private static Dictionary<int, double[]>? _scratch;

    private const int MaxBuffers = 4;

    /// <summary>
    /// The mean loss (chunk losses weighted by size and summed in order, so it repeats bit for bit) and how many
    /// samples' highest score is their label.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static (double MeanLoss, long Correct) Of(Network network, ParamTree parameters, ILabeledData data) =>
        Of(network, parameters, ParamTree.Empty, data);

    /// <summary>The same, for a network with state (BatchNorm's running statistics).</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static (double MeanLoss, long Correct) Of(Network network, ParamTree parameters, ParamTree state, ILabeledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        TrainingFold.RequireFit(network, data);
        var (loss, correct) = (0.0, 0L);
        for (var start = 0; start < data.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, data.Count - start);
            var (chunkLoss, chunkCorrect) = Mlp.Evaluate(network, parameters, state, ChunkOf(data, start, count, out var labels), labels);
            loss += chunkLoss * count;
            correct += chunkCorrect;
        }
        return (loss / data.Count, correct);
    }

    // The tensor wraps this thread's buffer and never leaves Of: Mlp.Evaluate keeps nothing of its input.
    private static Tensor<double> ChunkOf(ILabeledData data, int start, int count, out Labels labels)
    {
        int[] indices = [.. Enumerable.Range(start, count)];
        if (data is not IBatchWriter writer)
        {
            (var x, labels) = data.Batch(indices);
            return x;
        }
        var size = count * data.Features;
        _scratch ??= [];
        if (!_scratch.TryGetValue(size, out var target))
        {
            if (_scratch.Count >= MaxBuffers)
            {
                _scratch.Clear();
            }
            target = new double[size];
            _scratch[size] = target;
        }
        var classes = new int[count];
        writer.WriteBatch(indices, target, classes);
        labels = Labels.FromIndices(classes);
        return new Tensor<double>(new Shape(count, data.Features), target);
    }
}
