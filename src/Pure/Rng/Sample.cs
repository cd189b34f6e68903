using Functional.Numerics;
using Functional.Tensors;

namespace Functional.Rng;

/// <summary>Tensors of random values drawn from a <see cref="RngKey"/>; the same key and shape give the same bits.</summary>
public static class Sample
{
    /// <summary>Independent values uniform in [low, high).</summary>
    /// <exception cref="ArgumentException">low or high is not finite, or low &gt; high.</exception>
    public static Tensor<double> Uniform(RngKey key, double low, double high, params ReadOnlySpan<int> shape)
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
        return new Tensor<double>(s, data);
    }

    /// <summary>
    /// Independent standard normal values by Marsaglia's polar method: value i draws pairs (u, v) uniform in
    /// (−1, 1)² from <c>key.FoldIn(i)</c> until 0 &lt; s = u² + v² &lt; 1, then is u·√(−2·ln s / s). It needs only
    /// IEEE arithmetic, √ and <see cref="PortableMath.Log"/>, so it gives the same bits on every machine.
    /// </summary>
    public static Tensor<double> Normal(RngKey key, params ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape);
        var data = new double[s.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var element = key.FoldIn((ulong)i);
            for (long draw = 0; ; draw += 2)
            {
                var u = (2.0 * element.UnitAt(draw)) - 1.0;
                var v = (2.0 * element.UnitAt(draw + 1)) - 1.0;
                var radius = (u * u) + (v * v);
                if (radius > 0 && radius < 1)
                {
                    data[i] = u * Math.Sqrt(-2.0 * PortableMath.Log(radius) / radius);
                    break;
                }
            }
        }
        return new Tensor<double>(s, data);
    }
}
