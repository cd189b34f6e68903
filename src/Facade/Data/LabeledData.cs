using Functional.Data;
using Functional.Tensors;

namespace Functional.Facade.Data;

/// <summary>
/// Builds training and evaluation data (<see cref="ILabeledData"/>) from what C# programs hold: rectangular or
/// jagged arrays of features, byte images, or a sequence of samples. Everything is copied and validated once.
/// </summary>
public static class LabeledData
{
    /// <summary>Rows of <paramref name="features"/> [count, features] with one label each.</summary>
    /// <param name="features">One row per sample.</param>
    /// <param name="labels">Class indices, one per row.</param>
    /// <param name="classes">The number of classes; default: the largest label + 1.</param>
    /// <exception cref="ArgumentException">The shapes do not agree, a value is NaN or ∞, or a label is out of range.</exception>
    public static ILabeledData FromArrays(double[,] features, int[] labels, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return DenseData.Create(Inputs.ToTensor(features), labels, classes, "double[,] data");
    }

    /// <summary>Jagged rows of equal length with one label each.</summary>
    /// <exception cref="ArgumentException">Rows differ in length, the counts differ, a value is NaN or ∞, or a label is out of range.</exception>
    public static ILabeledData FromJagged(double[][] features, int[] labels, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return DenseData.Create(Inputs.ToTensor(features), labels, classes, "double[][] data");
    }

    /// <summary>
    /// Images as bytes (0–255, any number of pixels, equal for all), kept as bytes and scaled to [0, 1] when a
    /// batch is drawn, as MNIST is.
    /// </summary>
    /// <exception cref="ArgumentException">No images, images of different sizes, the counts differ, or a label is out of range.</exception>
    public static ILabeledData FromImages(byte[][] images, int[] labels, int classes = 10)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Length == 0 || images[0] is null || images[0].Length == 0)
        {
            throw new ArgumentException("LabeledData.FromImages: expected at least one non-empty image.", nameof(images));
        }
        if (labels.Length != images.Length)
        {
            throw new ArgumentException($"LabeledData.FromImages: {images.Length} images but {labels.Length} labels; expected one label per image.", nameof(labels));
        }
        var pixels = images[0].Length;
        var all = new byte[images.Length * pixels];
        for (var i = 0; i < images.Length; i++)
        {
            if (images[i]?.Length != pixels)
            {
                throw new ArgumentException($"LabeledData.FromImages: image {i} has {images[i]?.Length ?? 0} pixels, image 0 has {pixels}.", nameof(images));
            }
            images[i].CopyTo(all, i * pixels);
        }
        var bytes = new byte[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentException($"LabeledData.FromImages: label {i} is {labels[i]}; expected a class in [0, {classes - 1}].", nameof(labels));
            }
            bytes[i] = (byte)labels[i];
        }
        try
        {
            return Dataset.FromIdx("byte images", new IdxArray([images.Length, 1, pixels], [.. all]), new IdxArray([labels.Length], [.. bytes]), classes);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"LabeledData.FromImages: {e.Message}", nameof(images), e);
        }
    }

    /// <summary>A sequence of (features, label) samples, all with the same number of features.</summary>
    /// <exception cref="ArgumentException">No samples, samples of different lengths, a value is NaN or ∞, or a label is out of range.</exception>
    public static ILabeledData FromSamples(IEnumerable<(double[] Features, int Label)> samples, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var list = samples.ToList();
        return FromJagged([.. list.Select(s => s.Features)], [.. list.Select(s => s.Label)], classes);
    }
}

/// <summary>Converts the inputs C# users hold into the [batch, features] tensors the core takes.</summary>
internal static class Inputs
{
    public static Tensor<double> ToTensor(double[,] values) => Tensor.FromMatrix(values ?? throw new ArgumentNullException(nameof(values)));

    public static Tensor<double> ToTensor(double[][] rows) => Tensor.FromRows(rows ?? throw new ArgumentNullException(nameof(rows)));

    public static Tensor<double> ToTensor(byte[][] images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Tensor.FromRows([.. images.Select(image => image.Select(b => b / 255.0).ToArray())]);
    }
}
