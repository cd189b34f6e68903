using System.Globalization;
using Functional.Rng;

namespace Functional.Properties.Tests.Support;

/// <summary>
/// Checks a Backward against central finite differences of its Forward, with every input and output flattened.
/// </summary>
/// <remarks>
/// Tolerance: |fd − backward| ≤ 1e-6·max(|fd|, |backward|) + 1e-9·(1 + scale), where scale = Σ|vⱼ·fⱼ(x)| is the
/// size of the terms being differenced. With h = 1e-5 in float64, the rounding error of a central difference is
/// about ε·scale/h ≈ 2.2e-11·scale (the absolute term leaves a 45× margin) and its truncation error is h²/6·|f‴|
/// ≈ 1.7e-11·|f‴|, which the relative term covers for the bounded third derivatives of these layers. A wrong
/// Backward (a missing factor, a transposed product, a wrong sign) misses by orders of magnitude more.
/// </remarks>
public static class FiniteDifferences
{
    /// <summary>The step and tolerances for functions computed in float64 (see the remarks above).</summary>
    public static readonly FdSettings DoublePrecision = new(H: 1e-5, Relative: 1e-6, Absolute: 1e-9);

    /// <summary>
    /// For functions computed in float32 (ε = 6e-8): a step of 1e-2 keeps the rounding error of a difference near
    /// ε·scale/h ≈ 1e-5·scale (the inputs, rounded to float32, also move by up to ε·|x| ≈ 2.4e-7, 2.4e-5 of h),
    /// and the truncation error h²/6·|f‴| ≈ 1.7e-5·|f‴| stays small for these layers' bounded third derivatives;
    /// 1e-3 relative and 1e-4·(1 + scale) absolute leave a margin of ten, while a wrong Backward misses by far more.
    /// </summary>
    public static readonly FdSettings SinglePrecision = new(H: 1e-2, Relative: 1e-3, Absolute: 1e-4);

    /// <summary>Checks ⟨v, J·u⟩ from central differences against ⟨u, Jᵀ·v⟩ from <paramref name="vjp"/>, for random u and v.</summary>
    /// <param name="what">Names the operation and input in the failure message.</param>
    /// <param name="f">The forward function of all inputs, flattened.</param>
    /// <param name="vjp">(x, v) ↦ Jᵀ·v: Backward with dOut = v, its gradients flattened in the order of x.</param>
    /// <param name="x">The point to check at.</param>
    /// <param name="key">Draws the directions u (unit length) and v (standard normal).</param>
    /// <param name="settings">Step and tolerances; <see cref="DoublePrecision"/> unless given.</param>
    public static void Vjp(string what, Func<double[], double[]> f, Func<double[], double[], double[]> vjp, double[] x, RngKey key,
        FdSettings? settings = null)
    {
        var (h, _, _) = settings ??= DoublePrecision;
        var (ku, kv) = key.Split();
        var u = Sample.Normal(ku, x.Length).ToArray();
        var norm = Math.Sqrt(u.Sum(a => a * a));
        u = [.. u.Select(a => a / norm)];
        var fx = f(x);
        var v = Sample.Normal(kv, fx.Length).ToArray();
        var fd = (Dot(v, f(Axpy(h, u, x))) - Dot(v, f(Axpy(-h, u, x)))) / (2 * h);
        var gradient = vjp(x, v);
        Assert.Equal(x.Length, gradient.Length);
        var backward = Dot(u, gradient);
        var scale = fx.Select((fj, j) => Math.Abs(v[j] * fj)).Sum();
        AssertClose(what, $"⟨v, J·u⟩ along a random direction ({key})", fd, backward, scale, settings);
    }

    /// <summary>
    /// Checks every entry of the Jacobian: column i from central differences in coordinate i against row j of
    /// Backward with dOut = eⱼ. Meant for tiny shapes.
    /// </summary>
    /// <param name="what">Names the operation and input in the failure message.</param>
    /// <param name="f">The forward function of all inputs, flattened.</param>
    /// <param name="vjp">(x, v) ↦ Jᵀ·v.</param>
    /// <param name="x">The point to check at.</param>
    /// <param name="settings">Step and tolerances; <see cref="DoublePrecision"/> unless given.</param>
    public static void Jacobian(string what, Func<double[], double[]> f, Func<double[], double[], double[]> vjp, double[] x,
        FdSettings? settings = null)
    {
        var (h, _, _) = settings ??= DoublePrecision;
        var fx = f(x);
        var rows = new double[fx.Length][];
        for (var j = 0; j < fx.Length; j++)
        {
            var e = new double[fx.Length];
            e[j] = 1.0;
            rows[j] = vjp(x, e);
            Assert.Equal(x.Length, rows[j].Length);
        }
        for (var i = 0; i < x.Length; i++)
        {
            var e = new double[x.Length];
            e[i] = 1.0;
            var (plus, minus) = (f(Axpy(h, e, x)), f(Axpy(-h, e, x)));
            for (var j = 0; j < fx.Length; j++)
            {
                var fd = (plus[j] - minus[j]) / (2 * h);
                AssertClose(what, $"∂out[{j}]/∂in[{i}]", fd, rows[j][i], Math.Abs(fx[j]), settings);
            }
        }
    }

    private static void AssertClose(string what, string where, double fd, double backward, double scale, FdSettings settings)
    {
        var allowed = (settings.Relative * Math.Max(Math.Abs(fd), Math.Abs(backward))) + (settings.Absolute * (1 + scale));
        Assert.True(Math.Abs(fd - backward) <= allowed, string.Create(CultureInfo.InvariantCulture,
            $"{what}: {where}: finite differences give {fd:R}, Backward gives {backward:R}, off by {Math.Abs(fd - backward):E2} > {allowed:E2} (h = {settings.H})."));
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double[] Axpy(double alpha, double[] u, double[] x) => [.. x.Select((xi, i) => xi + (alpha * u[i]))];
}
