using Functional.Nodes;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>The book's <c>AddLayer</c> as an object over <see cref="Add"/>.</summary>
public sealed class AddLayer
{
    private AddCache? _cache;

    /// <summary>out = x + y elementwise.</summary>
    public Tensor<double> Forward(Tensor<double> x, Tensor<double> y)
    {
        var (output, cache) = Add.Forward(x, y);
        _cache = cache;
        return output;
    }

    /// <summary>Returns (dOut, dOut) for the last <see cref="Forward"/>.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public (Tensor<double> Dx, Tensor<double> Dy) Backward(Tensor<double> dOut)
    {
        var grads = Add.Backward(LastCache.Require(_cache, nameof(AddLayer)), dOut);
        return (grads.Dx, grads.Dy);
    }
}
