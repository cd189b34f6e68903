using Functional.Rng;

namespace Functional.Unit.Tests.Rng;

public class RngKeyTests
{
    [Fact]
    public void The_same_key_gives_the_same_numbers_and_split_keys_differ()
    {
        var key = RngKey.FromSeed(42);
        Assert.Equal(key.BitsAt(7), RngKey.FromSeed(42).BitsAt(7));
        var (a, b) = key.Split();
        Assert.NotEqual(a, b);
        Assert.NotEqual(a.BitsAt(0), b.BitsAt(0));
        Assert.Equal(Sample.Normal(a, 3, 4), Sample.Normal(a, 3, 4));
        Assert.NotEqual(Sample.Normal(a, 3, 4), Sample.Normal(b, 3, 4));
    }

    [Fact]
    public void Bits_are_SplitMix64s_published_outputs()
    {
        // SplitMix64 seeded with 0 yields 0xE220A8397B1DCDAF first: Mix(0 + γ). BitsAt(1) of state 0 is that value.
        Assert.Equal(0xE220A8397B1DCDAFUL, new RngKey(0).BitsAt(1));
    }

    [Fact]
    public void Normal_samples_have_mean_0_and_variance_1()
    {
        var x = Sample.Normal(RngKey.FromSeed(7), 100_000).ToArray();
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);     // 3.2 standard errors
        Assert.InRange(variance, 0.985, 1.015);
    }

    [Fact]
    public void Uniform_samples_lie_in_their_interval()
    {
        Assert.All(Sample.Uniform(RngKey.FromSeed(9), -2, 3, 1000).ToArray(), v => Assert.InRange(v, -2, 3));
        Assert.Throws<ArgumentException>(() => Sample.Uniform(RngKey.FromSeed(9), 3, -2, 10));
    }
}
