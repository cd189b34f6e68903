using System.Globalization;
using CsCheck;

namespace Functional.Properties.Tests.Support;

/// <summary>
/// Runs CsCheck properties on one thread from a pinned PCG seed, so every run checks the same cases and CI's verdict
/// never depends on chance; a failure is shrunk the CsCheck way (more cases from the same stream, keeping the
/// smallest failing one) and reported with the CsCheck seed that replays that smallest case.
/// </summary>
/// <remarks>
/// Replaying: pass <c>seed: "…"</c> to <see cref="ForAll{T}(CsCheck.Gen{T}, Action{T}, int, string?, Func{T, string}?)"/>,
/// or set <c>CsCheck_Seed=…</c>; that case runs first, then the pinned ones. Exploring other cases: set
/// <c>FUNCTIONAL_PROPERTY_SEED</c> to a CsCheck seed string (or to <c>random</c>) to start the sequence elsewhere.
/// </remarks>
public static partial class PropertyCheck
{
    /// <summary>The pinned start of every property's case sequence (a CsCheck seed string) unless FUNCTIONAL_PROPERTY_SEED says otherwise.</summary>
    public const string PinnedSeed = "0N0XIzNsQ0O2";

    /// <summary>How many extra cases a failure may draw to find a smaller failing case, per case of the property.</summary>
    private const int ShrinkFactor = 4;

    private static readonly string Start = ReadStart();

    /// <summary>
    /// Checks <paramref name="body"/> (which throws on failure) for <paramref name="runs"/> values of <paramref name="gen"/>,
    /// after the case of <paramref name="seed"/> (or of the CsCheck_Seed variable) when one is given.
    /// </summary>
    /// <exception cref="PropertyFailedException">A case failed; the message holds the seed of the smallest failing case found.</exception>
    public static void ForAll<T>(Gen<T> gen, Action<T> body, int runs = 100, string? seed = null, Func<T, string>? print = null)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(body);
        print ??= Check.Print;
        Failure<T>? failure = null;
        seed ??= Check.Seed;
        if (seed is not null)
        {
            failure = Try(gen, body, PCG.Parse(seed), null, failure);
        }
        var pcg = PCG.Parse(Start);
        for (var i = 0; i < runs && failure is null; i++)
        {
            failure = Try(gen, body, pcg, null, failure);
        }
        if (failure is null)
        {
            return;
        }
        var first = failure;
        var shrinks = 0;
        for (var i = 0; i < ShrinkFactor * runs; i++)
        {
            var smaller = Try(gen, body, pcg, failure, failure);
            if (!ReferenceEquals(smaller, failure))
            {
                failure = smaller;
                shrinks++;
            }
        }
        var shown = print(failure!.Value);
        if (shown.Length > 5000)
        {
            shown = shown[..5000] + " …";
        }
        throw new PropertyFailedException(
            $"Property failed. Replay the smallest failing case with seed: \"{failure.Seed}\" (or CsCheck_Seed={failure.Seed}); " +
            string.Create(CultureInfo.InvariantCulture, $"{shrinks} shrinks from the first failing case \"{first.Seed}\".") +
            $"\n{shown}\n{failure.Error.GetType().Name}: {failure.Error.Message}", failure.Error);
    }

    /// <summary>Checks one case drawn from <paramref name="pcg"/>; returns the new failure, or <paramref name="current"/> when it passes or is not smaller.</summary>
    private static Failure<T>? Try<T>(Gen<T> gen, Action<T> body, PCG pcg, Failure<T>? smallerThan, Failure<T>? current)
    {
        var state = pcg.State;
        var value = gen.Generate(pcg, smallerThan?.Size, out var size);
        if (smallerThan is not null && !Size.IsLessThan(size, smallerThan.Size))
        {
            return current;
        }
        try
        {
            body(value);
            return current;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Failure<T>(pcg.ToString(state), size, value, e);
        }
    }

    private static string ReadStart()
    {
        var text = Environment.GetEnvironmentVariable("FUNCTIONAL_PROPERTY_SEED");
        if (string.IsNullOrWhiteSpace(text))
        {
            return PinnedSeed;
        }
        if (text.Equals("random", StringComparison.OrdinalIgnoreCase))
        {
            var random = new PCG((uint)Environment.TickCount, (ulong)DateTime.UtcNow.Ticks).ToString();
            Console.Error.WriteLine($"FUNCTIONAL_PROPERTY_SEED=random: this run starts at {random}");
            return random;
        }
        try
        {
            PCG.Parse(text);
            return text;
        }
        catch (Exception e) when (e is CsCheckException or FormatException or IndexOutOfRangeException)
        {
            throw new ArgumentException($"FUNCTIONAL_PROPERTY_SEED must be a CsCheck seed string such as {PinnedSeed}, or 'random'; got '{text}'.", e);
        }
    }

    private sealed record Failure<T>(string Seed, Size Size, T Value, Exception Error);
}

/// <summary>A property found a failing case; the message says how to replay it.</summary>
public sealed class PropertyFailedException(string message, Exception inner) : Exception(message, inner);
