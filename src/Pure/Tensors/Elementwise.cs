namespace Functional.Tensors;

/// <summary>Elementwise maps over tensors of one shape, each producing a new tensor.</summary>
internal static class Elementwise
{
    public static Tensor<double> Map(Tensor<double> x, Func<double, double> f)
    {
        var xs = x.Span;
        var result = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = f(xs[i]);
        }
        return new Tensor<double>(x.Shape, result);
    }

    /// <summary>Callers have already checked that the shapes match.</summary>
    public static Tensor<double> Zip(Tensor<double> x, Tensor<double> y, Func<double, double, double> f)
    {
        ReadOnlySpan<double> xs = x.Span, ys = y.Span;
        var result = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = f(xs[i], ys[i]);
        }
        return new Tensor<double>(x.Shape, result);
    }
}
