namespace Functional.Numerics;

/// <summary>e^x − 1 from FreeBSD msun's s_expm1.c (Sun Microsystems, 1993; same permission as the rest of this class).</summary>
public static partial class PortableMath
{
    // Scaled coefficients of a Remez polynomial for R(2z) with z = x²/2, where r·(e^r + 1)/(e^r − 1) = 2 + r²/6 − … on
    // [0, 0.5·ln 2] (s_expm1.c's Q1–Q5).
    private const double Expm1Q1 = -3.33333333333331316428e-02;
    private const double Expm1Q2 = 1.58730158725481460165e-03;
    private const double Expm1Q3 = -7.93650757867487942473e-05;
    private const double Expm1Q4 = 4.00821782732936239552e-06;
    private const double Expm1Q5 = -2.01099218183624371326e-07;

    // Thresholds on the high 32 bits of |x|, as s_expm1.c compares them.
    private const uint HighWord56Ln2 = 0x4043687A;        // |x| ≥ 56·ln 2: e^x − 1 rounds to −1 for negative x
    private const uint HighWordOverflow = 0x40862E42;     // |x| ≥ 709.78…
    private const uint HighWordInfinity = 0x7FF00000;
    private const uint HighWordHalfLn2 = 0x3FD62E42;      // |x| > 0.5·ln 2: reduce the argument
    private const uint HighWordThreeHalvesLn2 = 0x3FF0A2B2;   // |x| < 1.5·ln 2: k is ±1
    private const uint HighWordTwoPowMinus54 = 0x3C900000;    // |x| < 2^−54: e^x − 1 rounds to x

    /// <summary>
    /// e^x − 1, within 1 ulp and identical on every platform, accurate in relative terms near 0 where exp(x) − 1 cancels
    /// (expm1(1e-10) is 1.00000000005e-10, not 1.000000082740371e-10). expm1(NaN) = NaN, expm1(∞) = ∞, expm1(−∞) = −1,
    /// expm1(±0) = ±0.
    /// </summary>
    public static double Expm1(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        var negative = bits < 0;
        var hx = (uint)(bits >> 32) & 0x7FFFFFFFu;

        if (hx >= HighWord56Ln2)
        {
            if (hx >= HighWordOverflow)
            {
                if (hx >= HighWordInfinity)
                {
                    return double.IsNaN(x) ? x : negative ? -1.0 : x;
                }
                if (x > ExpOverflow)
                {
                    return double.PositiveInfinity;
                }
            }
            if (negative)
            {
                return -1.0;
            }
        }

        // x = k·ln 2 + r with |r| ≤ 0.5·ln 2; r is held as x (rounded) plus the correction c.
        int k;
        var c = 0.0;
        if (hx > HighWordHalfLn2)
        {
            double hi, lo;
            if (hx < HighWordThreeHalvesLn2)
            {
                (hi, lo, k) = negative ? (x + Ln2Hi, -Ln2Lo, -1) : (x - Ln2Hi, Ln2Lo, 1);
            }
            else
            {
                k = (int)((InvLn2 * x) + (negative ? -0.5 : 0.5));   // C's truncating conversion, as s_expm1.c
                double t = k;
                hi = x - (t * Ln2Hi);   // exact: t·Ln2Hi has at most 32 significant bits
                lo = t * Ln2Lo;
            }
            x = hi - lo;
            c = (hi - x) - lo;
        }
        else if (hx < HighWordTwoPowMinus54)
        {
            return x;
        }
        else
        {
            k = 0;
        }

        var hfx = 0.5 * x;
        var hxs = x * hfx;
        var r1 = 1.0 + (hxs * (Expm1Q1 + (hxs * (Expm1Q2 + (hxs * (Expm1Q3 + (hxs * (Expm1Q4 + (hxs * Expm1Q5)))))))));
        var t3 = 3.0 - (r1 * hfx);
        var e = hxs * ((r1 - t3) / (6.0 - (x * t3)));
        if (k == 0)
        {
            return x - ((x * e) - hxs);   // c is 0
        }
        e = (x * (e - c)) - c;
        e -= hxs;
        if (k == -1)
        {
            return (0.5 * (x - e)) - 0.5;
        }
        if (k == 1)
        {
            return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + (2.0 * (x - e));
        }
        if (k <= -2 || k > 56)
        {
            // 2^k·(1 + r) − 1: the −1 no longer cancels anything significant. ScaleB is exact here (k ≤ 1024, result normal).
            return Math.ScaleB(1.0 - (e - x), k) - 1.0;
        }
        if (k < 20)
        {
            return Math.ScaleB((1.0 - Math.ScaleB(1.0, -k)) - (e - x), k);   // (1 − 2^−k) exact
        }
        return Math.ScaleB((x - (e + Math.ScaleB(1.0, -k))) + 1.0, k);
    }
}
