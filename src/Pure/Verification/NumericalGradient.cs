using Functional.Tensors;

namespace Functional.Verification;

/// <summary>The book's <c>numerical_gradient</c> (section 4.4): central differences of a scalar function, one element at a time.</summary>
public static class NumericalGradient
{
    /// <summary>The book's step, 1e-4: large enough that f(x + h) − f(x − h) keeps precision in float64.</summary>
    public const double DefaultStep = 1e-4;

    /// <summary>
    /// ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every element i. Each evaluation gets its own perturbed
    /// copy of x, so x is never changed (the book perturbs x in place and restores it).
    /// </summary>
    /// <exception cref="ArgumentException">h is not a positive finite number.</exception>
    public static Tensor<double> Of(Func<Tensor<double>, double> f, Tensor<double> x, double h = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        if (!(h > 0) || !double.IsFinite(h))
        {
            throw new ArgumentException($"NumericalGradient.Of: h must be a positive finite step, got {h}.", nameof(h));
        }
        var gradient = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var plus = f(Perturbed(x, i, h));
            var minus = f(Perturbed(x, i, -h));
            gradient[i] = (plus - minus) / (2 * h);
        }
        return new Tensor<double>(x.Shape, gradient);
    }

    private static Tensor<double> Perturbed(Tensor<double> x, int index, double delta)
    {
        var data = x.ToArray();
        data[index] += delta;
        return new Tensor<double>(x.Shape, data);
    }
}
