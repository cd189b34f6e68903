using System.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Losses;

/// <summary>What <see cref="IdentityWithMeanSquaredError.Forward{T}(Tensor{T}, Tensor{T})"/> caches: the output y and the targets t.</summary>
/// <param name="Output">y, [batch, outputs], in float64 for either element type.</param>
/// <param name="Targets">t, [batch, outputs]; labels are expanded to one-hot rows.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record IdentityWithMeanSquaredErrorCache<T>(Tensor<double> Output, Tensor<double> Targets)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The identity output with the sum-of-squares error (sections 4.2.1 and 5.6.3, for regression): the loss of a batch is
/// ½·Σ(y − t)² / N, summed over every element and divided by the batch size N.
/// </summary>
/// <remarks>
/// The book's <c>mean_squared_error</c> is ½·Σ(y − t)² for one sample, whose gradient is y − t (section 5.6.3's point:
/// identity and sum of squares pair as softmax and cross-entropy do). Like <see cref="SoftmaxWithLoss"/>, which averages
/// the cross-entropy over the batch, this divides by N, so the gradient is (y − t)/N and a batch of one gives the book's
/// values. It is not divided by the output count. The sum runs over the elements in row-major order.
/// </remarks>
public static class IdentityWithMeanSquaredError
{
    /// <summary>½·Σ(y − t)² / N for y and t of shape [batch, outputs]. Caches y and t.</summary>
    /// <param name="y">The network's output, [batch, outputs].</param>
    /// <param name="t">The targets, y's shape, every entry finite.</param>
    /// <exception cref="ArgumentException">y is not a non-empty [batch, outputs] tensor, t differs in shape, or a target is NaN or infinite.</exception>
    public static ForwardResult<double, IdentityWithMeanSquaredErrorCache<T>> Forward<T>(Tensor<T> y, Tensor<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "IdentityWithMeanSquaredError.Forward";
        CheckOutput(Op, y);
        Require.SameShape(Op, "y", y.Shape, nameof(t), t);
        var ts = t.Convert<double>().Span;
        for (var k = 0; k < ts.Length; k++)
        {
            if (!double.IsFinite(ts[k]))
            {
                var outputs = y.Shape[1];
                throw new ArgumentException(
                    $"{Op}: every target must be finite, but row {k / outputs}, column {k % outputs} is {ts[k]}.", nameof(t));
            }
        }
        return Loss<T>(y.Convert<double>(), t.Convert<double>());
    }

    /// <summary>The loss against class labels, as one-hot rows: a label c is the target row with 1 at c and 0 elsewhere.</summary>
    /// <param name="y">The network's output, [batch, outputs].</param>
    /// <param name="labels">One label per row of y; one-hot labels must have y's shape, indices must be &lt; outputs.</param>
    /// <exception cref="ArgumentException">
    /// y is not a non-empty [batch, outputs] tensor, the label count differs from the batch, one-hot labels differ in
    /// shape, or a label index is ≥ outputs.
    /// </exception>
    public static ForwardResult<double, IdentityWithMeanSquaredErrorCache<T>> Forward<T>(Tensor<T> y, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "IdentityWithMeanSquaredError.Forward";
        CheckOutput(Op, y);
        Require.NotNull(Op, nameof(labels), labels);
        int batch = y.Shape[0], outputs = y.Shape[1];
        if (labels.Count != batch)
        {
            throw new ArgumentException(
                $"{Op}: expected {batch} labels, one per row of y {y.Shape}, got {labels.Count}.", nameof(labels));
        }
        if (labels.OneHotRows is { } rows)
        {
            Require.SameShape(Op, "y", y.Shape, nameof(labels), rows);
            return Loss<T>(y.Convert<double>(), rows);
        }
        var t = new double[y.Length];
        for (var i = 0; i < batch; i++)
        {
            var label = labels.Indices[i];
            if (label >= outputs)
            {
                throw new ArgumentException(
                    $"{Op}: label {i} is {label}, outside the {outputs} outputs [0, {outputs - 1}] of y.", nameof(labels));
            }
            t[(i * outputs) + label] = 1.0;
        }
        return Loss<T>(y.Convert<double>(), new Tensor<double>(y.Shape, t));
    }

    /// <summary>dy = dOut·(y − t) / N, where N is the batch size: the book's y − t, averaged over the batch.</summary>
    /// <param name="cache">The forward cache.</param>
    /// <param name="dOut">The upstream gradient of the loss; 1 when this loss is the end of the graph.</param>
    /// <exception cref="ArgumentException">dOut is NaN or infinite.</exception>
    public static Tensor<T> Backward<T>(IdentityWithMeanSquaredErrorCache<T> cache, double dOut = 1.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "IdentityWithMeanSquaredError.Backward";
        Require.NotNull(Op, nameof(cache), cache);
        Require.Finite(Op, nameof(dOut), dOut);
        var batch = cache.Output.Shape[0];
        ReadOnlySpan<double> y = cache.Output.Span, t = cache.Targets.Span;
        var dy = new double[y.Length];
        for (var k = 0; k < y.Length; k++)
        {
            dy[k] = (y[k] - t[k]) * dOut / batch;
        }
        return Conversions.FromFloat64<T>(cache.Output.Shape, dy);
    }

    private static void CheckOutput<T>(string operation, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.Rank(operation, nameof(y), y, 2);
        Require.NotEmpty(operation, nameof(y), y);
    }

    private static ForwardResult<double, IdentityWithMeanSquaredErrorCache<T>> Loss<T>(Tensor<double> y, Tensor<double> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<double> ys = y.Span, ts = t.Span;
        var sum = 0.0;
        for (var k = 0; k < ys.Length; k++)
        {
            var e = ys[k] - ts[k];
            sum += e * e;
        }
        return new(0.5 * sum / y.Shape[0], new IdentityWithMeanSquaredErrorCache<T>(y, t));
    }
}
