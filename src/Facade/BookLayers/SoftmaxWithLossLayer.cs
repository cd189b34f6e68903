using Functional.Losses;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>The book's <c>SoftmaxWithLoss</c> class as an object over <see cref="SoftmaxWithLoss"/>.</summary>
public sealed class SoftmaxWithLossLayer
{
    private SoftmaxWithLossCache<double>? _cache;

    /// <summary>The softmax of the last <see cref="Forward"/>, the book's <c>self.y</c>; null before one.</summary>
    public Tensor<double>? Y => _cache?.Softmax;

    /// <summary>The mean cross-entropy of softmax(x) against the labels t.</summary>
    public double Forward(Tensor<double> x, Labels t)
    {
        var (loss, cache) = SoftmaxWithLoss.Forward(x, t);
        _cache = cache;
        return loss;
    }

    /// <summary>dx = dOut·(y − t) / batch size.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public Tensor<double> Backward(double dOut = 1.0) => SoftmaxWithLoss.Backward(LastCache.Require(_cache, nameof(SoftmaxWithLossLayer)), dOut);
}
