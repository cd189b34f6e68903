using System.Collections.Immutable;
using System.Runtime.Intrinsics.X86;
using Functional.Kernels;
using Functional.Losses;
using Functional.Tensors;

namespace Functional.Data;

/// <summary>
/// Labelled images kept as bytes, as stored: pixels are turned into float64 in [0, 1] only when a batch is drawn,
/// so a data set costs one byte per pixel in memory.
/// </summary>
public sealed class Dataset : ILabeledData, IBatchWriter, IPixelWriter
{
    private Dataset(string name, ImmutableArray<byte> pixels, ImmutableArray<byte> labels, int features, int classes)
    {
        Name = name;
        Pixels = pixels;
        Labels = labels;
        Features = features;
        Classes = classes;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>All pixels, sample after sample, row-major; [Count, Features].</summary>
    public ImmutableArray<byte> Pixels { get; }

    /// <summary>One class index per sample.</summary>
    public ImmutableArray<byte> Labels { get; }

    /// <inheritdoc/>
    public int Count => Labels.Length;

    /// <summary>Pixels per sample (784 for MNIST).</summary>
    public int Features { get; }

    /// <summary>The number of classes; every label is below it.</summary>
    public int Classes { get; }

    /// <summary>
    /// Pairs IDX images [count, rows, columns] with IDX labels [count], checking that the counts agree and that
    /// every label is below <paramref name="classes"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The arrays do not fit together; the message names <paramref name="name"/>.</exception>
    public static Dataset FromIdx(string name, IdxArray images, IdxArray labels, int classes = 10)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Dims.Length != 3)
        {
            throw new InvalidDataException($"{name}: images must have 3 dimensions [count, rows, columns], got {images.Dims.Length}.");
        }
        if (labels.Dims.Length != 1)
        {
            throw new InvalidDataException($"{name}: labels must have 1 dimension [count], got {labels.Dims.Length}.");
        }
        if (images.Dims[0] != labels.Dims[0])
        {
            throw new InvalidDataException($"{name}: {images.Dims[0]} images but {labels.Dims[0]} labels; expected one label per image.");
        }
        for (var i = 0; i < labels.Values.Length; i++)
        {
            if (labels.Values[i] >= classes)
            {
                throw new InvalidDataException($"{name}: label {i} is {labels.Values[i]}; expected a class in [0, {classes - 1}].");
            }
        }
        return new Dataset(name, images.Values, labels.Values, images.Dims[1] * images.Dims[2], classes);
    }

    /// <summary>Samples at <paramref name="indices"/> as x: [n, Features] in [0, 1] (byte / 255) and their labels.</summary>
    public (Tensor<double> X, Labels T) Batch(ReadOnlySpan<int> indices) => this.NewBatch(indices, Features);

    void IBatchWriter.WriteBatch(ReadOnlySpan<int> indices, Span<double> features, Span<int> labels)
    {
        for (var row = 0; row < indices.Length; row++)
        {
            PixelScaling.Scale(Sample(indices, row), features.Slice(row * Features, Features));
            labels[row] = Labels[indices[row]];
        }
    }

    void IBatchWriter.WriteBatch(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels)
    {
        for (var row = 0; row < indices.Length; row++)
        {
            PixelScaling.Scale(Sample(indices, row), features.Slice(row * Features, Features));
            labels[row] = Labels[indices[row]];
        }
    }

    void IPixelWriter.WritePixels(ReadOnlySpan<int> indices, Span<byte> pixels, Span<int> labels)
    {
        for (var row = 0; row < indices.Length; row++)
        {
            Sample(indices, row).CopyTo(pixels.Slice(row * Features, Features));
            labels[row] = Labels[indices[row]];
        }
    }

    /// <summary>
    /// Asks the processor to start loading these samples' pixels into its caches, without waiting for them. Training
    /// calls it with the next step's batch: the samples lie at random places in the data, and read only when
    /// needed each row's lines would miss one after another. Indices outside the data are ignored; nothing else
    /// happens (on processors without a prefetch instruction, nothing at all).
    /// </summary>
    void IPixelWriter.Prefetch(ReadOnlySpan<int> indices)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        unsafe
        {
            fixed (byte* pixels = Pixels.AsSpan())
            {
                foreach (var index in indices)
                {
                    if ((uint)index >= (uint)Count)
                    {
                        continue;
                    }
                    var sample = pixels + ((long)index * Features);
                    for (var offset = 0; offset < Features; offset += 64)   // one hint per 64-byte cache line
                    {
                        Sse.Prefetch0(sample + offset);
                    }
                }
            }
        }
    }

    private ReadOnlySpan<byte> Sample(ReadOnlySpan<int> indices, int row)
    {
        var index = indices[row];
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), $"Dataset.Batch: index {index} is outside [0, {Count}) of {Name}.");
        }
        return Pixels.AsSpan(index * Features, Features);
    }
}
