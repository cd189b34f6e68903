using System.Collections.Immutable;
using Functional.Losses;
using Functional.Tensors;

namespace Functional.Data;

/// <summary>Labelled samples whose features are float64 values, e.g. from a C# array; validated once, immutable.</summary>
public sealed class DenseData : ILabeledData, IBatchWriter
{
    private DenseData(string name, Tensor<double> features, ImmutableArray<int> labels, int classes)
    {
        Name = name;
        Features = features.Shape[1];
        FeatureRows = features;
        Labels = labels;
        Classes = classes;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Count => Labels.Length;

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public int Classes { get; }

    /// <summary>All features, [Count, Features].</summary>
    public Tensor<double> FeatureRows { get; }

    /// <summary>One class index per sample.</summary>
    public ImmutableArray<int> Labels { get; }

    /// <summary>
    /// Pairs feature rows [count, features] with one label per row. <paramref name="classes"/> defaults to the
    /// largest label + 1.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The features are not a non-empty rank-2 tensor, the counts differ, a feature is NaN or ∞, or a label is negative or ≥ classes.
    /// </exception>
    public static DenseData Create(Tensor<double> features, ReadOnlySpan<int> labels, int? classes = null, string name = "data")
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank != 2 || features.Length == 0)
        {
            throw new ArgumentException($"DenseData: features must be a non-empty [count, features] matrix, got shape {features.Shape}.", nameof(features));
        }
        if (labels.Length != features.Shape[0])
        {
            throw new ArgumentException($"DenseData: {features.Shape[0]} feature rows but {labels.Length} labels; expected one label per row.", nameof(labels));
        }
        var values = features.Span;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"DenseData: feature {i % features.Shape[1]} of row {i / features.Shape[1]} is {values[i]}; features must be finite.", nameof(features));
            }
        }
        var count = classes ?? (labels.Length == 0 ? 0 : Max(labels) + 1);
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= count)
            {
                throw new ArgumentException($"DenseData: label {i} is {labels[i]}; expected a class in [0, {count - 1}].", nameof(labels));
            }
        }
        return new DenseData(name, features, [.. labels], count);
    }

    /// <inheritdoc/>
    public (Tensor<double> X, Labels T) Batch(ReadOnlySpan<int> indices) => this.NewBatch(indices, Features);

    void IBatchWriter.WriteBatch(ReadOnlySpan<int> indices, Span<double> features, Span<int> labels) => WriteBatch(indices, features, labels);

    void IBatchWriter.WriteBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels)
    {
        var row = GC.AllocateUninitializedArray<double>(Features);
        for (var r = 0; r < indices.Length; r++)
        {
            WriteBatch(indices.Slice(r, 1), row, labels.Slice(r, 1));
            for (var j = 0; j < Features; j++)
            {
                features[(r * Features) + j] = (float)row[j];
            }
        }
    }

    private void WriteBatch(ReadOnlySpan<int> indices, Span<double> features, Span<int> labels)
    {
        var source = FeatureRows.Span;
        for (var row = 0; row < indices.Length; row++)
        {
            var i = indices[row];
            if ((uint)i >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"DenseData.Batch: index {i} is outside [0, {Count}) of {Name}.");
            }
            source.Slice(i * Features, Features).CopyTo(features.Slice(row * Features, Features));
            labels[row] = Labels[i];
        }
    }

    private static int Max(ReadOnlySpan<int> values)
    {
        var max = int.MinValue;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }
        return max;
    }
}
