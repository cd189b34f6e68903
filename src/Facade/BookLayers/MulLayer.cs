using Functional.Nodes;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>
/// The book's <c>MulLayer</c> as an object: <see cref="Forward"/> remembers its cache so <see cref="Backward"/>
/// can be called with dOut alone. The math is <see cref="Mul"/>'s; nothing passed in is modified.
/// </summary>
public sealed class MulLayer
{
    private MulCache<double>? _cache;

    /// <summary>out = x·y elementwise; remembers x and y.</summary>
    public Tensor<double> Forward(Tensor<double> x, Tensor<double> y)
    {
        var (output, cache) = Mul.Forward(x, y);
        _cache = cache;
        return output;
    }

    /// <summary>Returns (dx, dy) = (dOut·y, dOut·x) for the last <see cref="Forward"/>.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public (Tensor<double> Dx, Tensor<double> Dy) Backward(Tensor<double> dOut)
    {
        var grads = Mul.Backward(LastCache.Require(_cache, nameof(MulLayer)), dOut);
        return (grads.Dx, grads.Dy);
    }
}
