namespace Functional.Rng;

/// <summary>
/// A counter-based, splittable random key. The numbers drawn from a key depend only on the key and the draw's
/// index, through SplitMix64's published finalizer (Steele, Lea and Flood, 2014), so the same key gives the
/// same numbers on any machine and runtime version. Consumers take a key and return none; split before reuse.
/// </summary>
/// <param name="State">The key's 64-bit state.</param>
public readonly record struct RngKey(ulong State)
{
    /// <summary>The key for a seed.</summary>
    public static RngKey FromSeed(ulong seed) => new(Mix(seed));

    /// <summary>A key derived from this one and <paramref name="data"/>, e.g. a step number.</summary>
    public RngKey FoldIn(ulong data) => new(Mix(State ^ Mix(data + 0x9E3779B97F4A7C15UL)));

    /// <summary>Two independent keys derived from this one.</summary>
    public (RngKey First, RngKey Second) Split() => (FoldIn(0), FoldIn(1));

    /// <summary>The <paramref name="index"/>-th 64 random bits of this key.</summary>
    public ulong BitsAt(long index) => Mix(State + (0x9E3779B97F4A7C15UL * (ulong)index));

    /// <summary>The <paramref name="index"/>-th uniform value of this key, in [0, 1) with 53 random bits.</summary>
    public double UnitAt(long index) => (BitsAt(index) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The key's state in hexadecimal, which <see cref="RngKey(ulong)"/> turns back into the key.</summary>
    public override string ToString() => $"RngKey(0x{State:X16})";

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
