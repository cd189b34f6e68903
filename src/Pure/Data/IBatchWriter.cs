using Functional.Losses;
using Functional.Tensors;

namespace Functional.Data;

/// <summary>
/// Data that can write a batch's features into a caller's buffer, so training can reuse one buffer for every
/// step instead of allocating a batch per step. Internal: the buffer never leaves the training step.
/// </summary>
internal interface IBatchWriter
{
    /// <summary>Writes the features of <paramref name="indices"/> row by row into <paramref name="features"/> and their labels into <paramref name="labels"/>.</summary>
    void WriteBatch(ReadOnlySpan<int> indices, Span<double> features, Span<int> labels);

    /// <summary>As the float64 overload, with each feature rounded to the nearest float32.</summary>
    void WriteBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels);
}

/// <summary>The batch every <see cref="IBatchWriter"/> returns from <see cref="ILabeledData.Batch"/>: freshly allocated.</summary>
internal static class BatchWriterExtensions
{
    public static (Tensor<double> X, Labels T) NewBatch(this IBatchWriter writer, ReadOnlySpan<int> indices, int features)
    {
        var x = GC.AllocateUninitializedArray<double>(indices.Length * features);   // WriteBatch writes every element
        var t = new int[indices.Length];
        writer.WriteBatch(indices, x, t);
        return (new Tensor<double>(new Shape(indices.Length, features), x), Labels.FromIndices(t));
    }
}
