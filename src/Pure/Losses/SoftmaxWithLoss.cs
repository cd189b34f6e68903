using System.Numerics;
using Functional.Kernels;
using Functional.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Losses;

/// <summary>What <see cref="SoftmaxWithLoss.Forward"/> caches: the softmax output y and the labels t.</summary>
/// <typeparam name="T">The logits' element type, which Backward's dx has.</typeparam>
/// <param name="Softmax">y = softmax(logits), [batch, classes], in float64 for either element type.</param>
/// <param name="Labels">The targets t.</param>
public sealed record SoftmaxWithLossCache<T>(Tensor<double> Softmax, Labels Labels)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The Softmax-with-Loss layer of section 5.6.3: softmax over each row of the logits, then the cross-entropy
/// against the labels, averaged over the batch.
/// </summary>
/// <remarks>
/// The book computes −Σ t·log(y + 1e-7) from the softmax y. Here the loss of a row is log Σ exp(a − m) + (m − a_t)
/// with m the row's maximum (log-sum-exp), which is the exact cross-entropy: it never takes the log of a rounded
/// probability, so it stays finite and accurate for logits of any size (±1000 included), is never below 0, and has
/// no 1e-7 bias; the book's form instead caps a sample's loss at −log(1e-7) ≈ 16.1 and shifts every value by about
/// 1e-7/y. Sums over classes and over the batch run in index order, and exp and log are
/// <see cref="PortableMath"/>'s, so the loss has the same bits on every machine.
/// For float32 logits the loss is computed the same way on their (exactly widened) float64 values, and dx is rounded
/// to float32 at the end: the loss is a reduction over the batch, and its exp and log are the portable float64 ones.
/// </remarks>
public static class SoftmaxWithLoss
{
    /// <summary>The softmax of each row, computed as exp(a − max) / Σ exp(a − max) so no exp overflows.</summary>
    /// <exception cref="ArgumentException">The logits are not a non-empty [batch, classes] tensor.</exception>
    public static Tensor<T> Softmax<T>(Tensor<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLogits("SoftmaxWithLoss.Softmax", logits);
        var softmax = Rows(logits.Convert<double>()).Softmax;
        return Conversions.FromFloat64<T>(softmax.Shape, softmax.ToArray());
    }

    /// <summary>The mean cross-entropy loss of softmax(logits) against the labels. Caches the softmax and the labels.</summary>
    /// <exception cref="ArgumentException">
    /// The logits are not a non-empty [batch, classes] tensor, the label count differs from the batch, one-hot labels
    /// differ in shape, or a label index is ≥ classes.
    /// </exception>
    public static ForwardResult<double, SoftmaxWithLossCache<T>> Forward<T>(Tensor<T> logits, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "SoftmaxWithLoss.Forward";
        CheckLogits(Op, logits);
        Require.NotNull(Op, nameof(labels), labels);
        CheckLabels(Op, labels, logits.Shape);
        int batch = logits.Shape[0], classes = logits.Shape[1];
        var wide = logits.Convert<double>();
        var (softmax, max, logSum) = Rows(wide);
        var a = wide.Span;
        var total = 0.0;
        if (labels.OneHotRows is null)
        {
            // Class indices: the one nonzero target is 1 at the label, and 0 + 1·x = x (x ≥ +0), as the loop below gives.
            var indices = labels.Indices.AsSpan();
            for (var i = 0; i < batch; i++)
            {
                total += logSum[i] + (max[i] - a[(i * classes) + indices[i]]);
            }
            return new(total / batch, new SoftmaxWithLossCache<T>(softmax, labels));
        }
        for (var i = 0; i < batch; i++)
        {
            // −Σ_j t_j·log y_j = Σ_j t_j·(log Σ exp(a − m) + (m − a_j)); both terms are ≥ 0, so the loss is too.
            var rowLoss = 0.0;
            for (var j = 0; j < classes; j++)
            {
                var t = labels.Target(i, j, classes);
                if (t != 0.0)
                {
                    rowLoss += t * (logSum[i] + (max[i] - a[(i * classes) + j]));
                }
            }
            total += rowLoss;
        }
        return new(total / batch, new SoftmaxWithLossCache<T>(softmax, labels));
    }

    /// <summary>dx = dOut·(y − t) / N, where N is the batch size (equation 5.15's result, averaged over the batch).</summary>
    /// <param name="cache">The forward cache.</param>
    /// <param name="dOut">The upstream gradient of the loss; 1 when this loss is the end of the graph.</param>
    /// <exception cref="ArgumentException">dOut is NaN or infinite.</exception>
    public static Tensor<T> Backward<T>(SoftmaxWithLossCache<T> cache, double dOut = 1.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "SoftmaxWithLoss.Backward";
        Require.NotNull(Op, nameof(cache), cache);
        Require.Finite(Op, nameof(dOut), dOut);
        int batch = cache.Softmax.Shape[0], classes = cache.Softmax.Shape[1];
        var y = cache.Softmax.Span;
        var dx = new double[y.Length];
        if (cache.Labels.OneHotRows is null)
        {
            // Class indices: t is 0 but at each row's label, and y − 0 = y exactly, so only the labels' entries
            // need the subtraction; every entry is still (y − t)·dOut / N.
            MatrixKernels.ScaleThenDivide(y, dOut, batch, dx);
            var indices = cache.Labels.Indices.AsSpan();
            for (var i = 0; i < batch; i++)
            {
                var k = (i * classes) + indices[i];
                dx[k] = (y[k] - 1.0) * dOut / batch;
            }
            return Conversions.FromFloat64<T>(cache.Softmax.Shape, dx);
        }
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < classes; j++)
            {
                var k = (i * classes) + j;
                dx[k] = (y[k] - cache.Labels.Target(i, j, classes)) * dOut / batch;
            }
        }
        return Conversions.FromFloat64<T>(cache.Softmax.Shape, dx);
    }

    private static void CheckLogits<T>(string operation, Tensor<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.Rank(operation, nameof(logits), logits, 2);
        Require.NotEmpty(operation, nameof(logits), logits);
    }

    /// <summary>Checks the labels against logits of shape [batch, classes].</summary>
    private static void CheckLabels(string operation, Labels labels, Shape logits)
    {
        int batch = logits[0], classes = logits[1];
        if (labels.Count != batch)
        {
            throw new ArgumentException(
                $"{operation}: expected {batch} labels, one per row of the logits {logits}, got {labels.Count}.", nameof(labels));
        }
        if (labels.OneHotRows is { } rows)
        {
            if (rows.Shape != logits)
            {
                throw new ArgumentException(
                    $"{operation}: one-hot labels must have the logits' shape {logits}, but have shape {rows.Shape}.", nameof(labels));
            }
            return;
        }
        for (var i = 0; i < labels.Indices.Length; i++)
        {
            if (labels.Indices[i] >= classes)
            {
                throw new ArgumentException(
                    $"{operation}: label {i} is {labels.Indices[i]}, outside the {classes} classes [0, {classes - 1}] of the logits.", nameof(labels));
            }
        }
    }

    /// <summary>Per row: the softmax, the maximum m and log Σ exp(a − m).</summary>
    private static (Tensor<double> Softmax, double[] Max, double[] LogSum) Rows(Tensor<double> logits)
    {
        int batch = logits.Shape[0], classes = logits.Shape[1];
        var a = logits.Span;
        var y = new double[a.Length];
        var max = new double[batch];
        var logSum = new double[batch];
        for (var i = 0; i < batch; i++)
        {
            var row = a.Slice(i * classes, classes);
            var m = double.NegativeInfinity;
            foreach (var v in row)
            {
                m = Math.Max(m, v);
            }
            max[i] = m;
            for (var j = 0; j < classes; j++)
            {
                y[(i * classes) + j] = row[j] - m;
            }
        }
        PortableMath.ExpInPlace(y);   // all rows at once: the same values as one exp at a time
        for (var i = 0; i < batch; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < classes; j++)
            {
                sum += y[(i * classes) + j];
            }
            for (var j = 0; j < classes; j++)
            {
                y[(i * classes) + j] /= sum;
            }
            logSum[i] = PortableMath.Log(sum);
        }
        return (new Tensor<double>(logits.Shape, y), max, logSum);
    }
}
