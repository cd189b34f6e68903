using System.Collections.Immutable;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Losses;

/// <summary>
/// The targets of a batch for <see cref="SoftmaxWithLoss"/>: either one-hot rows, [batch, classes], or one class
/// index per sample. Both forms give the same loss and gradient.
/// </summary>
public sealed class Labels
{
    private Labels(Tensor<double>? oneHot, ImmutableArray<int> indices)
    {
        OneHotRows = oneHot;
        Indices = indices;
    }

    /// <summary>The target rows when built by <see cref="OneHot"/>, else null.</summary>
    public Tensor<double>? OneHotRows { get; }

    /// <summary>The class indices when built by <see cref="FromIndices(ReadOnlySpan{int})"/>, else default.</summary>
    public ImmutableArray<int> Indices { get; }

    /// <summary>The number of samples.</summary>
    public int Count => OneHotRows?.Shape[0] ?? Indices.Length;

    /// <summary>
    /// Targets as rows of class probabilities, [batch, classes]: normally one-hot (a single 1, the rest 0), as the
    /// book's <c>t</c>. Each entry must be finite and in [0, 1] and each row must sum to 1 (within 1e-9·classes).
    /// </summary>
    /// <exception cref="ArgumentException">The rows are not rank 2, empty, or an entry or a row sum is invalid.</exception>
    public static Labels OneHot(Tensor<double> rows)
    {
        const string Op = "Labels.OneHot";
        Require.Rank(Op, nameof(rows), rows, 2);
        Require.NotEmpty(Op, nameof(rows), rows);
        int batch = rows.Shape[0], classes = rows.Shape[1];
        var values = rows.Span;
        for (var i = 0; i < batch; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < classes; j++)
            {
                var t = values[(i * classes) + j];
                if (!double.IsFinite(t) || t < 0 || t > 1)
                {
                    throw new ArgumentException(
                        $"{Op}: every target must be a finite value in [0, 1], but row {i}, column {j} is {t}.", nameof(rows));
                }
                sum += t;
            }
            if (Math.Abs(sum - 1.0) > 1e-9 * classes)
            {
                throw new ArgumentException($"{Op}: every row must sum to 1, but row {i} sums to {sum:R}.", nameof(rows));
            }
        }
        return new Labels(rows, default);
    }

    /// <summary>Targets as class indices, one per sample, each in [0, classes) of the logits they meet.</summary>
    /// <exception cref="ArgumentException">There are no indices, or one is negative.</exception>
    public static Labels FromIndices(params ReadOnlySpan<int> indices)
    {
        const string Op = "Labels.FromIndices";
        if (indices.IsEmpty)
        {
            throw new ArgumentException($"{Op}: expected at least one label, got none.", nameof(indices));
        }
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0)
            {
                throw new ArgumentException($"{Op}: labels must be class indices ≥ 0, but label {i} is {indices[i]}.", nameof(indices));
            }
        }
        return new Labels(null, [.. indices]);
    }

    /// <summary>
    /// Targets from class indices stored as doubles (as data sets often store them): each must be a finite,
    /// non-negative whole number.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN, ∞, negative or fractional.</exception>
    public static Labels FromIndices(Tensor<double> indices)
    {
        const string Op = "Labels.FromIndices";
        Require.Rank(Op, nameof(indices), indices, 1);
        var values = indices.Span;
        var result = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v) || v < 0 || v != Math.Floor(v) || v > int.MaxValue)
            {
                throw new ArgumentException(
                    $"{Op}: labels must be finite whole numbers ≥ 0, but label {i} is {v}.", nameof(indices));
            }
            result[i] = (int)v;
        }
        return FromIndices(result);
    }

    /// <summary>The target probability of class <paramref name="column"/> for sample <paramref name="row"/>.</summary>
    internal double Target(int row, int column, int classes) =>
        OneHotRows is { } t ? t.Span[(row * classes) + column] : (Indices[row] == column ? 1.0 : 0.0);
}
