namespace Functional.Numerics;

/// <summary>
/// cos from IEEE-754 additions, multiplications and divisions only, like <see cref="Exp"/> and <see cref="Log"/>.
/// The kernels and constants are FreeBSD's msun k_cos.c and k_sin.c, the reduction by π/2 the Cody–Waite ("medium")
/// case of e_rem_pio2.c (Sun Microsystems, 1993; "permission to use, copy, modify, and distribute this software is
/// freely granted"): error below 1 ulp.
/// </summary>
public static partial class PortableMath
{
    /// <summary>The largest |x| that <see cref="Cos"/> accepts: 2^19·π/2 ≈ 823,549.66.</summary>
    public const double CosMaxArgument = 524288.0 * (Math.PI / 2);

    private const double InvPio2 = 6.36619772367581382433e-01;   // 2/π to 53 bits
    private const double Pio2Part1 = 1.57079632673412561417e+00;   // the first 33 bits of π/2: n·Pio2Part1 is exact for n < 2^20
    private const double Pio2Part1Tail = 6.07710050650619224932e-11;   // π/2 − Pio2Part1
    private const double Pio2Part2 = 6.07710050630396597660e-11;   // the next 33 bits of π/2
    private const double Pio2Part2Tail = 2.02226624879595063154e-21;   // π/2 − (Pio2Part1 + Pio2Part2)
    private const double Pio2Part3 = 2.02226624871116645580e-21;   // the next 33 bits of π/2
    private const double Pio2Part3Tail = 8.47842766036889956997e-32;   // π/2 − (Pio2Part1 + Pio2Part2 + Pio2Part3)

    // k_cos.c: cos(x) ≈ 1 − x²/2 + C1·x⁴ + … + C6·x¹⁴ on [−π/4, π/4], Remez error below 2^−58.
    private const double C1 = 4.16666666666666019037e-02;
    private const double C2 = -1.38888888888741095749e-03;
    private const double C3 = 2.48015872894767294178e-05;
    private const double C4 = -2.75573143513906633035e-07;
    private const double C5 = 2.08757232129817482790e-09;
    private const double C6 = -1.13596475577881948265e-11;

    // k_sin.c: sin(x) ≈ x + S1·x³ + … + S6·x¹³ on [−π/4, π/4], Remez error below 2^−58.
    private const double S1 = -1.66666666666666324348e-01;
    private const double S2 = 8.33333333332248946124e-03;
    private const double S3 = -1.98412698298579493134e-04;
    private const double S4 = 2.75573137070700676789e-06;
    private const double S5 = -2.50507602534068634195e-08;
    private const double S6 = 1.58969099521155010221e-10;

    /// <summary>
    /// The cosine of <paramref name="x"/> radians, within 1 ulp, identical on every platform, for
    /// |x| ≤ <see cref="CosMaxArgument"/> (2^19·π/2). cos(NaN) = cos(±∞) = NaN. It is even: Cos(−x) = Cos(x) bit for bit.
    /// </summary>
    /// <remarks>
    /// Larger arguments would need msun's Payne–Hanek reduction (k_rem_pio2.c), which nothing here uses; they are
    /// refused rather than answered inaccurately.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">x is finite and |x| &gt; 2^19·π/2.</exception>
    public static double Cos(double x)
    {
        if (!double.IsFinite(x))
        {
            return double.NaN;
        }
        var magnitude = Math.Abs(x);
        if (magnitude > CosMaxArgument)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x,
                $"PortableMath.Cos: expected |x| ≤ 2^19·π/2 = {CosMaxArgument:R}, got {x:R}.");
        }
        if (magnitude <= Math.PI / 4)   // no reduction
        {
            return magnitude < 1.0536712127723509e-08   // 2^−27·√2: cos x rounds to 1
                ? 1.0
                : KernelCos(x, 0.0);
        }
        var (n, hi, lo) = ReduceByHalfPi(x);
        return (n & 3) switch
        {
            0 => KernelCos(hi, lo),
            1 => -KernelSin(hi, lo),
            2 => -KernelCos(hi, lo),
            _ => KernelSin(hi, lo),
        };
    }

    /// <summary>
    /// e_rem_pio2.c's medium case: x = n·π/2 + (hi + lo) with |hi + lo| ≤ π/4, using π/2 in three 33-bit parts
    /// and one more round whenever cancellation has eaten into the first result.
    /// </summary>
    private static (int N, double Hi, double Lo) ReduceByHalfPi(double x)
    {
        var fn = Math.Round(x * InvPio2, MidpointRounding.ToEven);
        var r = x - (fn * Pio2Part1);
        var w = fn * Pio2Part1Tail;   // the first round is good to 85 bits
        var hi = r - w;
        var exponent = BiasedExponent(x);
        if (exponent - BiasedExponent(hi) > 16)   // second round, good to 118 bits
        {
            var t = r;
            w = fn * Pio2Part2;
            r = t - w;
            w = (fn * Pio2Part2Tail) - ((t - r) - w);
            hi = r - w;
            if (exponent - BiasedExponent(hi) > 49)   // third round, 151 bits: enough for every double in range
            {
                t = r;
                w = fn * Pio2Part3;
                r = t - w;
                w = (fn * Pio2Part3Tail) - ((t - r) - w);
                hi = r - w;
            }
        }
        var lo = (r - hi) - w;
        return ((int)fn, hi, lo);
    }

    private static int BiasedExponent(double x) => (int)((BitConverter.DoubleToInt64Bits(x) >> 52) & 0x7FF);

    /// <summary>k_cos.c: cos(x + y) for |x| ≤ π/4, y the tail of x.</summary>
    private static double KernelCos(double x, double y)
    {
        var z = x * x;
        var w = z * z;
        var r = (z * (C1 + (z * (C2 + (z * C3))))) + (w * w * (C4 + (z * (C5 + (z * C6)))));
        var hz = 0.5 * z;
        w = 1.0 - hz;
        // 1 − hz is rounded; ((1 − w) − hz) recovers the rounding error, and x·y is sin(x)·y to first order.
        return w + (((1.0 - w) - hz) + ((z * r) - (x * y)));
    }

    /// <summary>k_sin.c with a nonzero tail: sin(x + y) for |x| ≤ π/4, y the tail of x.</summary>
    private static double KernelSin(double x, double y)
    {
        var z = x * x;
        var w = z * z;
        var r = S2 + (z * (S3 + (z * S4))) + (z * w * (S5 + (z * S6)));
        var v = z * x;
        return x - (((z * ((0.5 * y) - (v * r))) - y) - (v * S1));
    }
}
