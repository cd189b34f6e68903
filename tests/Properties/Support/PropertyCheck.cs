using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Functional.Properties.Tests.Support;

/// <summary>Runs FsCheck properties from a pinned seed, so every run checks the same cases and a failure replays.</summary>
public static class PropertyCheck
{
    /// <summary>
    /// The pinned (seed, gamma). Set FUNCTIONAL_PROPERTY_SEED=seed,gamma to explore other cases; a failure's
    /// message prints the (seed, gamma, size) that replays it.
    /// </summary>
    private static readonly (ulong Seed, ulong Gamma) Replay = ReadReplay();

    /// <summary>Checks <paramref name="body"/> (which throws on failure) for <paramref name="runs"/> values of <paramref name="gen"/>.</summary>
    public static void ForAll<T>(Gen<T> gen, Action<T> body, int runs = 100) =>
        Prop.ForAll(gen.ToArbitrary(), body).Check(Config.QuickThrowOnFailure
            .WithQuietOnSuccess(true)
            .WithMaxTest(runs)
            .WithReplay(Replay.Seed, Replay.Gamma));

    private static (ulong, ulong) ReadReplay()
    {
        var text = Environment.GetEnvironmentVariable("FUNCTIONAL_PROPERTY_SEED");
        if (string.IsNullOrWhiteSpace(text))
        {
            return (0x5EED_F00D_2026UL, 0x9E37_79B9_7F4A_7C15UL);   // gamma must be odd
        }
        var parts = text.Split(',');
        return parts.Length == 2
            && ulong.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            && ulong.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var gamma)
            ? (seed, gamma | 1)
            : throw new ArgumentException($"FUNCTIONAL_PROPERTY_SEED must be 'seed,gamma' (two integers), got '{text}'.");
    }
}
