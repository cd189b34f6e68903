using CsCheck;
using Functional.Numerics;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Numerics;

public class PortableExpm1Properties
{
    /// <summary>The distance in units in the last place between two finite doubles of one sign.</summary>
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    /// <summary>
    /// |x| log-uniform over [2^−60, 709.7] with either sign: every branch of s_expm1.c (|x| &lt; 0.5·ln 2, k = ±1,
    /// 2 ≤ k &lt; 20, 20 ≤ k ≤ 56, k &gt; 56, k ≤ −2 and x ≤ −56·ln 2) is drawn many times.
    /// </summary>
    private static readonly Gen<double> Wide =
        from exponent in Gen.Int[-60, 9]
        from mantissa in Gen.Int[0, int.MaxValue]
        from negative in Gen.Bool
        let magnitude = Math.Min(Math.ScaleB(1.0 + (mantissa / 2147483648.0), exponent), 709.78)
        select negative ? -magnitude : magnitude;

    [Fact]
    public void Expm1_is_within_1_ulp_of_a_double_double_reference() => PropertyCheck.ForAll(Wide, x =>
    {
        // The reference carries ~100 correct bits, so its leading part is the correctly rounded e^x − 1, and msun's
        // s_expm1.c is documented to err by less than 1 ulp.
        var (ours, reference) = (PortableMath.Expm1(x), DoubleDouble.Expm1(x).Hi);
        Assert.True(Ulps(ours, reference) <= 1, $"expm1({x:R}) = {ours:R}, reference {reference:R}");
    }, runs: 3000);

    [Fact]
    public void Expm1_agrees_with_exp_minus_1_where_that_does_not_cancel() => PropertyCheck.ForAll(
        Gen.Int[1_000_000, 709_000_000].Select(k => k / 1e6),
        x =>
        {
            // For x ≥ 1, e^x − 1 ≥ 1.7 and e^x/(e^x − 1) ≤ 1.6: exp's ≤ 1 ulp error grows to ≤ 1.6 ulps of the
            // difference, whose own rounding adds ½, and ours adds ≤ 1: at most 3 ulps apart.
            var (ours, platform) = (PortableMath.Expm1(x), Math.Exp(x) - 1.0);
            Assert.True(Ulps(ours, platform) <= 3, $"expm1({x:R}) = {ours:R}, exp(x) − 1 = {platform:R}");
        }, runs: 1000);

    [Fact]
    public void Expm1_keeps_relative_accuracy_near_zero_where_exp_minus_1_loses_it()
    {
        Assert.True(Ulps(1.00000000005e-10, PortableMath.Expm1(1e-10)) <= 1);
        Assert.Equal(1.000000082740371e-10, Math.Exp(1e-10) - 1.0, 1e-25);   // the cancellation this function avoids
        Assert.Equal(1e-300, PortableMath.Expm1(1e-300));
        Assert.Equal(-1e-300, PortableMath.Expm1(-1e-300));
        Assert.Equal(double.Epsilon, PortableMath.Expm1(double.Epsilon));
        Assert.True(Ulps(-9.999999999500000e-11, PortableMath.Expm1(-1e-10)) <= 1);
    }

    [Fact]
    public void Expm1_of_special_and_known_values()
    {
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(PortableMath.Expm1(0.0)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(PortableMath.Expm1(-0.0)));
        Assert.True(Ulps(Math.E - 1.0, PortableMath.Expm1(1.0)) <= 1);
        Assert.True(Ulps(1.0, PortableMath.Expm1(Math.Log(2.0))) <= 1);
        Assert.True(Ulps(-0.5, PortableMath.Expm1(-Math.Log(2.0))) <= 1);
        Assert.Equal(-1.0, PortableMath.Expm1(-40.0));   // −1 + 4.2e-18 rounds to −1
        Assert.Equal(-1.0, PortableMath.Expm1(-1000.0));
        Assert.Equal(double.PositiveInfinity, PortableMath.Expm1(710.0));
        Assert.True(double.IsFinite(PortableMath.Expm1(709.78)));
        Assert.Equal(double.PositiveInfinity, PortableMath.Expm1(double.PositiveInfinity));
        Assert.Equal(-1.0, PortableMath.Expm1(double.NegativeInfinity));
        Assert.True(double.IsNaN(PortableMath.Expm1(double.NaN)));
    }
}
