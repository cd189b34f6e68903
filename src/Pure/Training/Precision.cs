using System.Diagnostics.CodeAnalysis;

namespace Functional.Training;

/// <summary>The floating-point format training computes in.</summary>
public enum Precision
{
    /// <summary>IEEE binary64, the book's NumPy default and this library's reference path.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The IEEE format's name, as the CLI spells it.")]
    Float64,

    /// <summary>
    /// IEEE binary32: the same layers, optimizers and summation order on floats (the loss, norms and transcendental
    /// functions in float64, rounded once). Files hold the values widened to float64, exactly, so replay and
    /// checkpoints work as for float64.
    /// </summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The IEEE format's name, as the CLI spells it.")]
    Float32,
}
