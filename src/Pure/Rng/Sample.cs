using Functional.Tensors;

namespace Functional.Rng;

/// <summary>Tensors of random values drawn from a <see cref="RngKey"/>; the same key and shape give the same bits.</summary>
public static class Sample
{
    /// <summary>Independent values uniform in [low, high).</summary>
    /// <exception cref="ArgumentException">low or high is not finite, or low &gt; high.</exception>
    public static Tensor Uniform(RngKey key, double low, double high, params ReadOnlySpan<int> shape)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
        {
            throw new ArgumentException($"Sample.Uniform: expected finite low ≤ high, got low {low}, high {high}.", nameof(low));
        }
        var s = new Shape(shape);
        var data = new double[s.Length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = low + ((high - low) * key.UnitAt(i));
        }
        return new Tensor(s, data);
    }

    /// <summary>Independent standard normal values, by the Box–Muller transform of two uniforms per value.</summary>
    public static Tensor Normal(RngKey key, params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        var data = new double[s.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var u1 = 1.0 - key.UnitAt(2L * i);   // (0, 1], so the log is finite
            var u2 = key.UnitAt((2L * i) + 1);
            data[i] = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
        return new Tensor(s, data);
    }
}
