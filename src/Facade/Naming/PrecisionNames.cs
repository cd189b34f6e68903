using Functional.Training;

namespace Functional.Facade.Naming;

/// <summary>The lower-case names of precisions used in files and on the command line: "float64", "float32".</summary>
public static class PrecisionNames
{
    /// <summary>The name of a precision.</summary>
    public static string Of(Precision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>The precision named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static Precision Parse(string name) => name switch
    {
        "float64" => Precision.Float64,
        "float32" => Precision.Float32,
        _ => throw new ArgumentException($"unknown precision '{name}'; expected float64 or float32.", nameof(name)),
    };
}
