using Functional.Float32;

namespace Functional.Properties.Tests.Float32;

/// <summary>Conversions from the flat float64 arrays the generators draw to float32 matrices.</summary>
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
}
