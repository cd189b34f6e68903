using Functional.Layers;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>The book's <c>Relu</c> class as an object over <see cref="Relu"/>; unlike the book's, it never zeroes dOut in place.</summary>
public sealed class ReluLayer
{
    private ReluCache? _cache;

    /// <summary>out = max(x, 0); remembers where x ≤ 0.</summary>
    public Tensor<double> Forward(Tensor<double> x)
    {
        var (output, cache) = Relu.Forward(x);
        _cache = cache;
        return output;
    }

    /// <summary>dx = dOut where the last input was &gt; 0, else 0.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public Tensor<double> Backward(Tensor<double> dOut) => Relu.Backward(LastCache.Require(_cache, nameof(ReluLayer)), dOut);
}
