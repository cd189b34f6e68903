using System.Globalization;

namespace Functional.Composition;

/// <summary>How a layer's spec writes a number: the shortest text that reads back to the same double, with a lower-case exponent ("1e-05").</summary>
public static class SpecNumber
{
    /// <summary>The number as a spec writes it, e.g. 0.2, 1e-05.</summary>
    public static string Format(double value) =>
        value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
}
