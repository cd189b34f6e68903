using Functional.Layers;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>The book's <c>Sigmoid</c> class as an object over <see cref="Sigmoid"/>.</summary>
public sealed class SigmoidLayer
{
    private SigmoidCache<double>? _cache;

    /// <summary>out = 1 / (1 + exp(−x)); remembers the output.</summary>
    public Tensor<double> Forward(Tensor<double> x)
    {
        var (output, cache) = Sigmoid.Forward(x);
        _cache = cache;
        return output;
    }

    /// <summary>dx = dOut·(1 − y)·y for the last output y.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public Tensor<double> Backward(Tensor<double> dOut) => Sigmoid.Backward(LastCache.Require(_cache, nameof(SigmoidLayer)), dOut);
}
