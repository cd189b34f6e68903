using Functional.Losses;
using Functional.Tensors;

namespace Functional.Float32;

/// <summary>What <see cref="SoftmaxWithLoss32.Forward"/> caches: the float64 layer's cache.</summary>
/// <param name="Inner">The cache of <see cref="SoftmaxWithLoss.Forward"/> on the widened scores.</param>
public sealed record SoftmaxWithLoss32Cache(SoftmaxWithLossCache Inner);

/// <summary>
/// Softmax-with-loss for float32 scores. The scores widen to float64 exactly, the float64 layer computes the loss
/// and (y − t)/N, and the gradient is rounded to float32 once: the loss is as accurate as the float64 path's for
/// the same scores, and a [batch, classes] block costs little next to the products.
/// </summary>
public static class SoftmaxWithLoss32
{
    /// <summary>The mean cross-entropy of softmax(scores) against the labels.</summary>
    /// <exception cref="ArgumentException">The scores are empty, or the labels do not fit them.</exception>
    public static Functional.ForwardResult<double, SoftmaxWithLoss32Cache> Forward(Matrix32 scores, Labels labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var (loss, cache) = SoftmaxWithLoss.Forward(scores.ToTensor(), labels);
        return new(loss, new SoftmaxWithLoss32Cache(cache));
    }

    /// <summary>dx = (y − t)·dOut/N, rounded to float32.</summary>
    /// <exception cref="ArgumentException">dOut is not finite.</exception>
    public static Matrix32 Backward(SoftmaxWithLoss32Cache cache, double dOut = 1.0)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var dx = SoftmaxWithLoss.Backward(cache.Inner, dOut);
        return new(dx.Shape[0], dx.Shape[1], Conversions.Narrow(dx.Span));
    }
}
