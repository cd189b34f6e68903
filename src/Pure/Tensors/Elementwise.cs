using System.Numerics;

namespace Functional.Tensors;

/// <summary>Elementwise maps over tensors, for the layers' simple functions.</summary>
internal static class Elementwise
{
    /// <summary>f applied to every element.</summary>
    public static Tensor<T> Map<T>(Tensor<T> x, Func<T, T> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = x.Span;
        var result = new T[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = f(xs[i]);
        }
        return new Tensor<T>(x.Shape, result);
    }

    /// <summary>
    /// f applied in float64 to every element, rounded back to T: a transcendental function (exp, tanh) computed once,
    /// by the portable float64 routines, for both element types.
    /// </summary>
    public static Tensor<T> MapInFloat64<T>(Tensor<T> x, Func<double, double> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = x.Span;
        var result = new T[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = T.CreateTruncating(f(double.CreateTruncating(xs[i])));
        }
        return new Tensor<T>(x.Shape, result);
    }

    /// <summary>f applied to every pair of elements at the same position.</summary>
    public static Tensor<T> Zip<T>(Tensor<T> x, Tensor<T> y, Func<T, T, T> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> xs = x.Span, ys = y.Span;
        var result = new T[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = f(xs[i], ys[i]);
        }
        return new Tensor<T>(x.Shape, result);
    }
}
