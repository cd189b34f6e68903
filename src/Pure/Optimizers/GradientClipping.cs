using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>Clipping a gradient by its global norm: all parameters' gradients scaled together, so the direction is kept.</summary>
public static class GradientClipping
{
    /// <summary>
    /// √(Σ g²) over every element of every parameter, summed in key order, then index order. If the squares
    /// overflow, it is computed as m·√(Σ (g/m)²) with m = max |g| instead, so finite gradients give a finite norm.
    /// A NaN anywhere gives NaN; an infinite element gives ∞.
    /// </summary>
    public static double GlobalNorm<T>(ParamTree<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("GradientClipping.GlobalNorm", nameof(gradient), gradient);
        var sum = 0.0;
        foreach (var g in gradient.Leaves.Values)
        {
            foreach (var element in g.Span)
            {
                var v = double.CreateTruncating(element);   // sums in float64 for either element type
                sum += v * v;
            }
        }
        return double.IsPositiveInfinity(sum) ? RescaledNorm(gradient) : Math.Sqrt(sum);
    }

    /// <summary>
    /// The gradient itself if its <see cref="GlobalNorm"/> is at most <paramref name="maxNorm"/>, else every element
    /// times maxNorm / norm, so the clipped norm is maxNorm up to rounding. A gradient with a NaN or infinite
    /// element comes back with NaN elements.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static ParamTree<T> ByGlobalNorm<T>(ParamTree<T> gradient, double maxNorm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptimizerChecks.Positive("GradientClipping.ByGlobalNorm", nameof(maxNorm), maxNorm);
        var norm = GlobalNorm(gradient);
        if (norm <= maxNorm)
        {
            return gradient;
        }
        var scale = T.CreateTruncating(maxNorm / norm);
        return gradient.Map((_, g) =>
        {
            var gs = g.Storage;
            var result = GC.AllocateUninitializedArray<T>(gs.Length);
            for (var i = 0; i < gs.Length; i++)
            {
                result[i] = gs[i] * scale;
            }
            return new Tensor<T>(g.Shape, result);
        });
    }

    private static double RescaledNorm<T>(ParamTree<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var largest = 0.0;
        foreach (var g in gradient.Leaves.Values)
        {
            foreach (var element in g.Span)
            {
                var v = double.CreateTruncating(element);   // sums in float64 for either element type
                largest = Math.Max(largest, Math.Abs(v));
            }
        }
        if (!double.IsFinite(largest))
        {
            return largest;
        }
        var sum = 0.0;
        foreach (var g in gradient.Leaves.Values)
        {
            foreach (var element in g.Span)
            {
                var v = double.CreateTruncating(element);   // sums in float64 for either element type
                var scaled = v / largest;
                sum += scaled * scaled;
            }
        }
        return largest * Math.Sqrt(sum);
    }
}
