using CsCheck;
using Functional.Numerics;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Numerics;

public class PortableCosProperties
{
    /// <summary>The distance in units in the last place between two finite doubles of one sign.</summary>
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    // Both are within 1 ulp of the true value (msun's bound; glibc's is tighter), so they differ by at most 2.
    private const long AllowedUlps = 2;

    private static void AgreesWithPlatform(double x)
    {
        var (ours, platform) = (PortableMath.Cos(x), Math.Cos(x));
        Assert.True(Math.Sign(ours) == Math.Sign(platform) && Ulps(ours, platform) <= AllowedUlps,
            $"cos({x:R}) = {ours:R}, platform {platform:R} ({Ulps(ours, platform)} ulps apart)");
    }

    [Fact]
    public void Cos_agrees_with_the_platform_within_2_ulps_over_its_whole_range() => PropertyCheck.ForAll(
        Gen.Select(Gen.Int[-823_549, 823_549], Gen.Int[0, 999_999_999], (whole, nano) => whole + (Math.Sign(whole) * nano / 1e9)),
        AgreesWithPlatform, runs: 3000);

    [Fact]
    public void Cos_is_accurate_where_schedules_use_it() => PropertyCheck.ForAll(
        Gen.Int[-40_000_000, 40_000_000].Select(k => k / 1e7), AgreesWithPlatform, runs: 3000);

    // Near the zeros of cos, x − n·π/2 cancels almost completely: the reduction's second and third rounds must work.
    [Fact]
    public void Cos_is_accurate_near_multiples_of_half_pi() => PropertyCheck.ForAll(
        Gen.Select(Gen.Int[-524_288, 524_288], Gen.Int[-64, 64], (n, ulps) => BitConverter.Int64BitsToDouble(
            BitConverter.DoubleToInt64Bits(n * (Math.PI / 2)) + ulps)).Where(x => x != 0 && Math.Abs(x) <= PortableMath.CosMaxArgument),
        AgreesWithPlatform, runs: 3000);

    [Fact]
    public void Cos_is_even_bit_for_bit() => PropertyCheck.ForAll(
        Gen.Select(Gen.Int[0, 823_549], Gen.Int[0, 999_999], (whole, micro) => whole + (micro / 1e6)).Where(x => x <= PortableMath.CosMaxArgument),
        x => Assert.Equal(BitConverter.DoubleToInt64Bits(PortableMath.Cos(x)), BitConverter.DoubleToInt64Bits(PortableMath.Cos(-x))),
        runs: 1000);

    [Fact]
    public void Known_values_and_special_cases()
    {
        Assert.Equal(1.0, PortableMath.Cos(0.0));
        Assert.Equal(1.0, PortableMath.Cos(-0.0));
        Assert.Equal(-1.0, PortableMath.Cos(Math.PI));
        Assert.Equal(-1.0, PortableMath.Cos(-Math.PI));
        Assert.Equal(1.0, PortableMath.Cos(2 * Math.PI));
        Assert.Equal(1.0, PortableMath.Cos(1e-9));   // 1 − 5e-19 rounds to 1
        Assert.True(Ulps(0.5, PortableMath.Cos(Math.PI / 3)) <= 1);
        Assert.Equal(6.123233995736766e-17, PortableMath.Cos(Math.PI / 2));   // π/2 − fl(π/2), to 17 digits
        Assert.True(double.IsNaN(PortableMath.Cos(double.NaN)));
        Assert.True(double.IsNaN(PortableMath.Cos(double.PositiveInfinity)));
        Assert.True(double.IsNaN(PortableMath.Cos(double.NegativeInfinity)));
        AgreesWithPlatform(PortableMath.CosMaxArgument);
        AgreesWithPlatform(-PortableMath.CosMaxArgument);
    }

    [Fact]
    public void Arguments_beyond_the_supported_range_are_refused()
    {
        var beyond = Math.BitIncrement(PortableMath.CosMaxArgument);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PortableMath.Cos(beyond));
        Assert.Contains("PortableMath.Cos", error.Message, StringComparison.Ordinal);
        Assert.Contains("2^19·π/2", error.Message, StringComparison.Ordinal);
        Assert.Contains(beyond.ToString("R", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableMath.Cos(-1e300));
    }
}
