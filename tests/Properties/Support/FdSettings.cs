namespace Functional.Properties.Tests.Support;

/// <summary>A finite-difference step and the tolerance |fd − backward| ≤ Relative·max(|fd|, |backward|) + Absolute·(1 + scale).</summary>
/// <param name="H">The central-difference step.</param>
/// <param name="Relative">The relative part of the tolerance.</param>
/// <param name="Absolute">The absolute part, per unit of the differenced terms' size.</param>
public sealed record FdSettings(double H, double Relative, double Absolute);
