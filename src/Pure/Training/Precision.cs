using System.Diagnostics.CodeAnalysis;

namespace Functional.Training;

/// <summary>The floating-point format training computes in.</summary>
public enum Precision
{
    /// <summary>IEEE binary64, the book's NumPy default and this library's reference path.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The IEEE format's name, as the CLI spells it.")]
    Float64,

    /// <summary>
    /// IEEE binary32: the same layers and summation order on floats, about 1.3× faster for the book's net; parameters are kept as
    /// float32 values (held in float64 tensors), so replay and checkpoints work as for float64.
    /// </summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The IEEE format's name, as the CLI spells it.")]
    Float32,
}
