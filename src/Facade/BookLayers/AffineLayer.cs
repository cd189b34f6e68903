using Functional.Layers;
using Functional.Tensors;

namespace Functional.Facade.BookLayers;

/// <summary>
/// The book's <c>Affine</c> class as an object over <see cref="Affine"/>: holds W and b, and after
/// <see cref="Backward"/> exposes dW and db as the book's <c>self.dW</c> and <c>self.db</c>.
/// </summary>
public sealed class AffineLayer
{
    private AffineCache<double>? _cache;

    /// <summary>A layer with weights W: [in, out] and biases b: [out].</summary>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public AffineLayer(Tensor<double> w, Tensor<double> b) => Params = new AffineParams<double>(w, b);

    /// <summary>The current parameters (immutable; replace them with <see cref="Params"/>'s setter).</summary>
    public AffineParams<double> Params { get; set; }

    /// <summary>∂L/∂W from the last <see cref="Backward"/>, or null before one.</summary>
    public Tensor<double>? DW { get; private set; }

    /// <summary>∂L/∂b from the last <see cref="Backward"/>, or null before one.</summary>
    public Tensor<double>? DB { get; private set; }

    /// <summary>out = x·W + b, with x of rank ≥ 2 flattened to [batch, in].</summary>
    public Tensor<double> Forward(Tensor<double> x)
    {
        var (output, cache) = Affine.Forward(Params, x);
        _cache = cache;
        return output;
    }

    /// <summary>Returns dx (in x's shape) and stores <see cref="DW"/> and <see cref="DB"/>.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called.</exception>
    public Tensor<double> Backward(Tensor<double> dOut)
    {
        var grads = Affine.Backward(LastCache.Require(_cache, nameof(AffineLayer)), dOut);
        (DW, DB) = (grads.DW, grads.DB);
        return grads.Dx;
    }
}
