using Functional.Float32;

namespace Functional.Properties.Tests.Float32;

/// <summary>Conversions between the flat float64 arrays finite differences work on and float32 matrices.</summary>
internal static class Float32Values
{
    /// <summary>The values rounded to float32, as a [rows, columns] matrix.</summary>
    public static Matrix32 Matrix(ReadOnlySpan<double> values, int rows, int columns)
    {
        var floats = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            floats[i] = (float)values[i];
        }
        return Matrix32.FromArray(floats, rows, columns);
    }

    /// <summary>The matrix's values as float64 (exact).</summary>
    public static double[] Flat(Matrix32 m) => [.. m.ToArray().Select(v => (double)v)];
}
