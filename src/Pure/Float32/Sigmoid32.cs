using Functional.Numerics;

namespace Functional.Float32;

/// <summary>What <see cref="Sigmoid32.Forward"/> caches: the output y.</summary>
/// <param name="Output">y = σ(x).</param>
public sealed record Sigmoid32Cache(Matrix32 Output);

/// <summary>The sigmoid in float32: y = σ(x) evaluated in float64 with the portable exp and rounded once; dx = dOut·(1 − y)·y in float32.</summary>
public static class Sigmoid32
{
    /// <summary>y = σ(x). Caches y.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static Functional.ForwardResult<Matrix32, Sigmoid32Cache> Forward(Matrix32 x)
    {
        var y = Apply(x);
        return new(y, new Sigmoid32Cache(y));
    }

    /// <summary>y = σ(x) without a cache, for inference.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static Matrix32 Apply(Matrix32 x)
    {
        Relu32.RequireNotEmpty("Sigmoid32.Forward", x);
        var xs = x.Span;
        var y = new float[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            y[i] = (float)Logistic(xs[i]);
        }
        return new(x.Rows, x.Columns, y);
    }

    /// <summary>dx = dOut·(1 − y)·y.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward output.</exception>
    public static Matrix32 Backward(Sigmoid32Cache cache, Matrix32 dOut)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(dOut);
        if (dOut.Rows != cache.Output.Rows || dOut.Columns != cache.Output.Columns)
        {
            throw new ArgumentException($"Sigmoid32.Backward: dOut must have the forward output's shape [{cache.Output.Rows}, {cache.Output.Columns}], got [{dOut.Rows}, {dOut.Columns}].", nameof(dOut));
        }
        var ds = dOut.Span;
        var ys = cache.Output.Span;
        var dx = new float[ds.Length];
        for (var i = 0; i < ds.Length; i++)
        {
            dx[i] = ds[i] * (1f - ys[i]) * ys[i];
        }
        return new(dOut.Rows, dOut.Columns, dx);
    }

    private static double Logistic(double x)
    {
        if (x >= 0)
        {
            return 1.0 / (1.0 + PortableMath.Exp(-x));
        }
        var e = PortableMath.Exp(x);
        return e / (1.0 + e);
    }
}
