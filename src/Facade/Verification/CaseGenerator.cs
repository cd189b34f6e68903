using Functional.Rng;

namespace Functional.Facade.Verification;

/// <summary>
/// Draws case i of a check from <c>RngKey.FromSeed(seed).FoldIn(i)</c> alone: the shape from its FoldIn(0), the
/// values from its FoldIn(1), and the keys of the random directions the properties use from its FoldIn(2).
/// </summary>
internal static class CaseGenerator
{
    /// <summary>Values are multiples of 1/Grid, so they print exactly and in few digits.</summary>
    public const double Grid = 64;

    private const int FilterAttempts = 1000;

    public static RngKey CaseKey(ulong seed, int index) => RngKey.FromSeed(seed).FoldIn((ulong)index);

    public static RngKey CheckKey(RngKey caseKey) => caseKey.FoldIn(2);

    public static (int[] Shape, double[] Values) Draw(LayerCheckOptions options, RngKey caseKey)
    {
        var shape = DrawShape(options, caseKey.FoldIn(0));
        var length = 1;
        foreach (var d in shape)
        {
            length *= d;
        }
        var valueKey = caseKey.FoldIn(1);
        var values = new double[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = DrawValue(options, valueKey.FoldIn((ulong)i));
        }
        return (shape, values);
    }

    /// <summary>True for values the options allow: inside the range and accepted by the filter.</summary>
    public static bool Admissible(LayerCheckOptions options, double x) =>
        x >= options.ValueRange.Low && x <= options.ValueRange.High && (options.InputFilter?.Invoke(x) ?? true);

    private static int[] DrawShape(LayerCheckOptions options, RngKey key)
    {
        if (options.Shape is { } generator)
        {
            var drawn = generator(key);
            long length = 1;
            foreach (var d in drawn ?? [])
            {
                length *= Math.Max(d, 0);
            }
            if (drawn is null || drawn.Any(d => d < 1) || length > LayerCheckOptions.ElementLimit)
            {
                var shown = drawn is null ? "null" : "[" + string.Join(", ", drawn) + "]";
                throw new ArgumentException(
                    $"LayerCheckOptions.Shape returned {shown}: expected positive dimensions and at most {LayerCheckOptions.ElementLimit} elements.",
                    nameof(options));
            }
            return [.. drawn];
        }
        var rank = options.MinRank + Below(key.UnitAt(0), options.MaxRank - options.MinRank + 1);
        var shape = new int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            shape[axis] = 1 + Below(key.UnitAt(1 + axis), options.MaxDim);
        }
        return shape;
    }

    private static double DrawValue(LayerCheckOptions options, RngKey key)
    {
        var low = (long)Math.Ceiling(options.ValueRange.Low * Grid);
        var count = (long)Math.Floor(options.ValueRange.High * Grid) - low + 1;
        for (var attempt = 0; attempt < FilterAttempts; attempt++)
        {
            var x = (low + Math.Min((long)(key.UnitAt(attempt) * count), count - 1)) / Grid;
            if (options.InputFilter?.Invoke(x) ?? true)
            {
                return x;
            }
        }
        throw new ArgumentException(
            $"LayerCheckOptions.InputFilter rejected {FilterAttempts} values in a row from the range [{options.ValueRange.Low}, {options.ValueRange.High}]: widen the range or loosen the filter.",
            nameof(options));
    }

    private static int Below(double unit, int count) => Math.Min((int)(unit * count), count - 1);
}
