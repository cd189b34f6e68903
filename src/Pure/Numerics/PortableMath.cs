namespace Functional.Numerics;

/// <summary>
/// exp and log computed from IEEE-754 additions, multiplications and divisions only, so they give the same bits on
/// every machine and runtime. <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/> call the platform's C library,
/// which picks its code by CPU feature and differs between platforms; training must not depend on that.
/// The algorithms and constants are FreeBSD's msun e_exp.c and e_log.c (Sun Microsystems, 1993/2004; "permission to
/// use, copy, modify, and distribute this software is freely granted"): error below 1 ulp.
/// </summary>
public static partial class PortableMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01;   // high 32 bits of ln 2: k·Ln2Hi is exact for |k| < 2^20
    private const double Ln2Lo = 1.90821492927058770002e-10;   // ln 2 − Ln2Hi
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double ExpOverflow = 7.09782712893383973096e+02;    // above: exp overflows
    private const double ExpUnderflow = -7.45133219101941108420e+02;  // below: exp underflows to 0

    // exp: a Remez polynomial for r·(e^r + 1)/(e^r − 1) on [−0.5·ln 2, 0.5·ln 2].
    private const double P1 = 1.66666666666666019037e-01;
    private const double P2 = -2.77777777770155933842e-03;
    private const double P3 = 6.61375632143793436117e-05;
    private const double P4 = -1.65339022054652515390e-06;
    private const double P5 = 4.13813679705723846039e-08;

    // log: a Remez polynomial for (log(1 + f) − 2s − s·R) with s = f / (2 + f).
    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>e^x, within 1 ulp, identical on every platform. exp(NaN) = NaN, exp(∞) = ∞, exp(−∞) = 0.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        if (x > ExpOverflow)
        {
            return double.PositiveInfinity;
        }
        if (x < ExpUnderflow)
        {
            return 0.0;
        }
        if (Math.Abs(x) < 3.7252902984619140625e-09)   // 2^−28: e^x rounds to 1 + x
        {
            return 1.0 + x;
        }
        // x = k·ln 2 + r with |r| ≤ 0.5·ln 2, r held as hi − lo for extra precision.
        var k = (int)Math.Round(x * InvLn2, MidpointRounding.ToEven);
        var hi = x - (k * Ln2Hi);
        var lo = k * Ln2Lo;
        var r = hi - lo;
        var t = r * r;
        var c = r - (t * (P1 + (t * (P2 + (t * (P3 + (t * (P4 + (t * P5)))))))));
        var y = 1.0 - ((lo - (r * c / (2.0 - c))) - hi);
        return k == 0 ? y : Math.ScaleB(y, k);
    }

    /// <summary>The natural logarithm, within 1 ulp, identical on every platform. log(0) = −∞, log(x &lt; 0) = NaN.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0)
        {
            return double.NaN;
        }
        if (x == 0)
        {
            return double.NegativeInfinity;
        }
        if (double.IsPositiveInfinity(x))
        {
            return x;
        }
        var k = 0;
        if (x < MinNormal)
        {
            x *= 18014398509481984.0;   // 2^54 scales a subnormal up to normal
            k = -54;
        }
        // x = 2^k · m with m in [√2/2, √2), f = m − 1.
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m >= Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }
        k += exponent;
        var f = m - 1.0;
        var s = f / (2.0 + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (Lg2 + (w * (Lg4 + (w * Lg6))));
        var t2 = z * (Lg1 + (w * (Lg3 + (w * (Lg5 + (w * Lg7))))));
        var r = t2 + t1;
        var hfsq = 0.5 * f * f;
        return (k * Ln2Hi) - ((hfsq - ((s * (hfsq + r)) + (k * Ln2Lo))) - f);
    }

    private const double MinNormal = 2.2250738585072014e-308;
}
