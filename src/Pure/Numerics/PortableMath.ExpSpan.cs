using System.Runtime.Intrinsics;

namespace Functional.Numerics;

public static partial class PortableMath
{
    /// <summary>
    /// e^x for every element, in place: bit-identical to <see cref="Exp(double)"/> element by element. Four elements
    /// at a time where the hardware has 256-bit vectors and all four are ordinary (no NaN, no overflow, underflow
    /// or subnormal result, |x| ≥ 2⁻²⁸), each lane doing Exp's operations in its order; the rest one at a time.
    /// </summary>
    public static void ExpInPlace(Span<double> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= values.Length; i += 4)
            {
                var x = Vector256.Create((ReadOnlySpan<double>)values.Slice(i, 4));
                // Ordinary lanes: the scaled result 2^k·y stays a normal number, so multiplying by 2^k is exact, as ScaleB is.
                var ordinary = Vector256.GreaterThanOrEqual(Vector256.Abs(x), Vector256.Create(3.7252902984619140625e-09))
                    & Vector256.LessThanOrEqual(x, Vector256.Create(709.0))
                    & Vector256.GreaterThanOrEqual(x, Vector256.Create(-707.0));
                if (!Vector256.EqualsAll(ordinary.AsInt64(), Vector256<long>.AllBitsSet))
                {
                    for (var j = i; j < i + 4; j++)
                    {
                        values[j] = Exp(values[j]);
                    }
                    continue;
                }
                var kd = Vector256.Round(x * Vector256.Create(InvLn2));   // ties to even, as Math.Round(…, ToEven)
                var hi = x - (kd * Vector256.Create(Ln2Hi));
                var lo = kd * Vector256.Create(Ln2Lo);
                var r = hi - lo;
                var t = r * r;
                var c = r - (t * (Vector256.Create(P1) + (t * (Vector256.Create(P2) + (t * (Vector256.Create(P3)
                    + (t * (Vector256.Create(P4) + (t * Vector256.Create(P5))))))))));
                var y = Vector256<double>.One - ((lo - (r * c / (Vector256.Create(2.0) - c))) - hi);
                // 2^k as a double: the exponent field k + 1023, for k in [−1021, 1023] here.
                var scale = (Vector256.ConvertToInt64(kd) + Vector256.Create(1023L)) << 52;
                (y * scale.AsDouble()).CopyTo(values.Slice(i, 4));
            }
        }
        for (; i < values.Length; i++)
        {
            values[i] = Exp(values[i]);
        }
    }
}
