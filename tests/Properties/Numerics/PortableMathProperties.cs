using CsCheck;
using Functional.Numerics;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Numerics;

public class PortableMathProperties
{
    /// <summary>The distance in units in the last place between two finite doubles of one sign.</summary>
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    // Both are within 1 ulp of the true value (msun's bound; glibc's is tighter), so they differ by at most 2.
    private const long AllowedUlps = 2;

    /// <summary>Every non-negative bit pattern, uniformly: +0, subnormals, normals, +∞ and NaNs.</summary>
    private static readonly Gen<double> AnyDouble = Gen.Long[0, long.MaxValue].Select(BitConverter.Int64BitsToDouble);

    [Fact]
    public void Exp_agrees_with_the_platform_within_2_ulps_over_its_whole_range() => PropertyCheck.ForAll(
        Gen.Select(Gen.Int[-745_000, 709_000], Gen.Int[0, 999_999], (milli, nano) => (milli / 1e3) + (nano / 1e9)),
        x =>
        {
            var (ours, platform) = (PortableMath.Exp(x), Math.Exp(x));
            if (platform > 1e-300)   // below that the platform's result is subnormal and ulps are coarse
            {
                Assert.True(Ulps(ours, platform) <= AllowedUlps, $"exp({x:R}) = {ours:R}, platform {platform:R}");
            }
            else
            {
                Assert.Equal(platform, ours, 1e-300);
            }
        }, runs: 2000);

    [Fact]
    public void Exp_is_accurate_where_softmax_and_sigmoid_use_it() => PropertyCheck.ForAll(
        Gen.Int[-40_000_000, 40_000_000].Select(k => k / 1e6),
        x => Assert.True(Ulps(PortableMath.Exp(x), Math.Exp(x)) <= AllowedUlps, $"exp({x:R})"), runs: 2000);

    [Fact]
    public void Log_agrees_with_the_platform_within_2_ulps_for_every_positive_double() => PropertyCheck.ForAll(
        AnyDouble.Where(x => x > 0 && double.IsFinite(x)),
        x => Assert.True(Ulps(PortableMath.Log(x), Math.Log(x)) <= AllowedUlps, $"log({x:R}) = {PortableMath.Log(x):R}, platform {Math.Log(x):R}"),
        runs: 2000);

    [Fact]
    public void Special_values_follow_IEEE_conventions()
    {
        Assert.Equal(1.0, PortableMath.Exp(0.0));
        Assert.Equal(0.0, PortableMath.Log(1.0));
        Assert.Equal(double.PositiveInfinity, PortableMath.Exp(710));
        Assert.Equal(0.0, PortableMath.Exp(-746));
        Assert.Equal(0.0, PortableMath.Exp(double.NegativeInfinity));
        Assert.True(double.IsNaN(PortableMath.Exp(double.NaN)));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0.0));
        Assert.True(double.IsNaN(PortableMath.Log(-1.0)));
        Assert.Equal(double.PositiveInfinity, PortableMath.Log(double.PositiveInfinity));
        Assert.Equal(Math.Log(double.Epsilon), PortableMath.Log(double.Epsilon), 1e-12);   // a subnormal
        Assert.True(Ulps(Math.E, PortableMath.Exp(1.0)) <= 1);   // fdlibm's (and Java's StrictMath's) exp(1) is 1 ulp above Math.E
        Assert.Equal(Math.Log(2.0), PortableMath.Log(2.0));
    }

    [Fact]
    public void ExpInPlace_equals_Exp_element_by_element_bit_for_bit() => PropertyCheck.ForAll(
        Gen.OneOf(
            Gen.Int[-750_000, 712_000].Select(milli => milli / 1e3),                   // the whole range and past both ends
            Gen.Int[-1000, 1000].Select(k => k * 1e-9),                               // around the 2⁻²⁸ shortcut
            Gen.OneOf(0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 709.0, -707.0, -707.5, 709.5),
            AnyDouble).Array[0, 100],   // 0–100 elements, as the sized arrays before
        values =>
        {
            var vector = values.ToArray();
            PortableMath.ExpInPlace(vector);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(PortableMath.Exp(values[i])) == BitConverter.DoubleToInt64Bits(vector[i]),
                    $"exp({values[i]:R}): one at a time {PortableMath.Exp(values[i]):R}, in place {vector[i]:R}");
            }
        });
}
