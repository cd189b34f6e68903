namespace Functional.Properties.Tests.Support;

/// <summary>
/// Double-double arithmetic, an unevaluated sum Hi + Lo with about 106 significant bits (Dekker 1971; Hida, Li and
/// Bailey's QD algorithms), for reference values in accuracy properties. Built from IEEE additions, products and
/// fused multiply-adds only, so the references do not depend on the platform's libm.
/// </summary>
/// <param name="Hi">The leading part: the value rounded to a double.</param>
/// <param name="Lo">The trailing part, |Lo| ≤ ½ ulp(Hi).</param>
public readonly record struct DoubleDouble(double Hi, double Lo)
{
    /// <summary>e^x − 1 to about 100 bits for |x| ≤ 709.7: Taylor series on x/2ᵐ (|x/2ᵐ| ≤ ½), then m doublings
    /// expm1(2a) = expm1(a)·(expm1(a) + 2), each of which at most doubles the relative error.</summary>
    public static DoubleDouble Expm1(double x)
    {
        var m = 0;
        var a = x;
        while (Math.Abs(a) > 0.5)
        {
            a *= 0.5;   // exact
            m++;
        }
        var term = new DoubleDouble(a, 0);
        var sum = term;
        for (var n = 2; n <= 30; n++)   // |a|³⁰/30! < 2^−137
        {
            term = term * a / n;
            sum += term;
        }
        var two = new DoubleDouble(2, 0);
        for (var i = 0; i < m; i++)
        {
            sum *= sum + two;
        }
        return sum;
    }

    /// <summary>tanh x = expm1(2x)/(expm1(2x) + 2) to about 100 bits for |x| ≤ 354.</summary>
    public static DoubleDouble Tanh(double x)
    {
        var e = Expm1(2 * x);
        return e / (e + new DoubleDouble(2, 0));
    }

    /// <summary>The sum, correctly accounting for the carries of both parts.</summary>
    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var (s1, s2) = TwoSum(a.Hi, b.Hi);
        var (t1, t2) = TwoSum(a.Lo, b.Lo);
        (s1, s2) = QuickTwoSum(s1, s2 + t1);
        return Normalize(s1, s2 + t2);
    }

    /// <summary>The product, with the exact product of the leading parts from a fused multiply-add.</summary>
    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        var p = a.Hi * b.Hi;
        var e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        return Normalize(p, e + ((a.Hi * b.Lo) + (a.Lo * b.Hi)));
    }

    /// <summary>The product with a double.</summary>
    public static DoubleDouble operator *(DoubleDouble a, double b) => a * new DoubleDouble(b, 0);

    /// <summary>The quotient by long division: three quotient digits.</summary>
    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        var q1 = a.Hi / b.Hi;
        var r = a + (-(b * q1));
        var q2 = r.Hi / b.Hi;
        r += -(b * q2);
        var q3 = r.Hi / b.Hi;
        return Normalize(q1, q2) + new DoubleDouble(q3, 0);
    }

    /// <summary>The quotient by a double.</summary>
    public static DoubleDouble operator /(DoubleDouble a, double b) => a / new DoubleDouble(b, 0);

    /// <summary>The negation, exact.</summary>
    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    private static DoubleDouble Normalize(double hi, double lo)
    {
        var (s, e) = QuickTwoSum(hi, lo);
        return new(s, e);
    }

    private static (double S, double E) TwoSum(double a, double b)
    {
        var s = a + b;
        var bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static (double S, double E) QuickTwoSum(double a, double b)
    {
        var s = a + b;
        return (s, b - (s - a));
    }
}
