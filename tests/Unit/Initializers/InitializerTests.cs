using Functional.Facade.Naming;
using Functional.Initializers;
using Functional.Rng;

namespace Functional.Unit.Tests.Initializers;

public class InitializerTests
{
    [Fact]
    public void Parse_understands_every_form()
    {
        Assert.Equal(new NormalInit(0.01), InitializerNames.Parse("normal"));
        Assert.Equal(new NormalInit(0.05), InitializerNames.Parse("normal:0.05"));
        Assert.Equal(new Xavier(), InitializerNames.Parse("xavier"));
        Assert.Equal(new He(), InitializerNames.Parse("he"));
        Assert.Equal(["normal", "xavier", "he"], InitializerNames.All);
        Assert.All(InitializerNames.All, name => Assert.Equal(name, InitializerNames.Parse(name).Name));
    }

    [Theory]
    [InlineData("uniform")]
    [InlineData("normal:")]
    [InlineData("normal:abc")]
    [InlineData("normal:-0.1")]
    [InlineData("normal:0")]
    [InlineData("normal:0.1:2")]
    [InlineData("He")]
    [InlineData("xavier:1")]
    public void Parse_refuses_an_unknown_spec(string spec)
    {
        var error = Assert.Throws<ArgumentException>(() => InitializerNames.Parse(spec));
        Assert.Contains("Initializer.Parse", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{spec}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("normal, normal:STD (STD positive), xavier or he", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rules_give_the_books_standard_deviations()
    {
        Assert.Equal(0.01, new NormalInit().Std(784, 50));
        Assert.Equal(0.1, new Xavier().Std(100, 10));
        Assert.Equal(0.2, new He().Std(50, 10));
        var w = new He().Weights(RngKey.FromSeed(1), 784, 50);
        Assert.Equal([784, 50], w.Shape.Dims.ToArray());
    }

    [Theory]
    [InlineData(0.0, "got 0.")]
    [InlineData(-0.01, "got -0.01.")]
    [InlineData(double.NaN, "got NaN.")]
    public void NormalInit_refuses_a_sigma_that_is_not_positive_and_finite(double sigma, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new NormalInit(sigma));
        Assert.Contains("NormalInit: Sigma must be positive and finite", error.Message, StringComparison.Ordinal);
        Assert.Contains(actual, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalInit() with { Sigma = sigma });
    }

    [Theory]
    [InlineData(0, 5, "fanIn must be ≥ 1", "got 0.")]
    [InlineData(-3, 5, "fanIn must be ≥ 1", "got -3.")]
    [InlineData(5, 0, "fanOut must be ≥ 1", "got 0.")]
    public void Fans_below_1_are_refused(int fanIn, int fanOut, string expected, string actual)
    {
        foreach (var (init, owner) in new (Initializer, string)[] { (new NormalInit(), "NormalInit.Std"), (new Xavier(), "Xavier.Std"), (new He(), "He.Std") })
        {
            foreach (var error in new[]
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => init.Std(fanIn, fanOut)),
                Assert.Throws<ArgumentOutOfRangeException>(() => init.Weights(RngKey.FromSeed(1), fanIn, fanOut)),
            })
            {
                Assert.Contains(owner, error.Message, StringComparison.Ordinal);
                Assert.Contains(expected, error.Message, StringComparison.Ordinal);
                Assert.Contains(actual, error.Message, StringComparison.Ordinal);
            }
        }
    }
}
