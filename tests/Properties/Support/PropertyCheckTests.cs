using System.Text.RegularExpressions;
using CsCheck;

namespace Functional.Properties.Tests.Support;

/// <summary>The property driver itself: pinned cases, shrinking, and a seed that replays the reported case.</summary>
public partial class PropertyCheckTests
{
    [Fact]
    public void The_same_cases_are_checked_on_every_run()
    {
        List<int> first = [], second = [];
        PropertyCheck.ForAll(Gen.Int[0, 1_000_000], first.Add, runs: 50);
        PropertyCheck.ForAll(Gen.Int[0, 1_000_000], second.Add, runs: 50);
        Assert.Equal(50, first.Count);
        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 40, "the pinned sequence should vary");
    }

    [Fact]
    public void A_failure_is_shrunk_and_its_seed_replays_the_reported_case()
    {
        var failing = Gen.Int[0, 1_000_000].Array[1, 20];
        static void Body(int[] xs) => Assert.True(xs.Sum() < 100_000, "sum too large");
        var error = Assert.Throws<PropertyFailedException>(() => PropertyCheck.ForAll(failing, Body));
        var seed = SeedPattern().Match(error.Message).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(seed), error.Message);
        Assert.Contains("sum too large", error.Message, StringComparison.Ordinal);

        // The seed replays exactly the case the message shows, and that case fails.
        int[]? replayed = null;
        PropertyCheck.ForAll(failing, xs => replayed ??= xs, runs: 0, seed: seed);
        Assert.NotNull(replayed);
        Assert.Contains(Check.Print(replayed), error.Message, StringComparison.Ordinal);
        Assert.Throws<PropertyFailedException>(() => PropertyCheck.ForAll(failing, Body, runs: 0, seed: seed));
    }

    [GeneratedRegex("seed: \"([^\"]+)\"")]
    private static partial Regex SeedPattern();
}
