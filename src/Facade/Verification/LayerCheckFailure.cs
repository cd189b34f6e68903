namespace Functional.Facade.Verification;

/// <summary>
/// A property a layer failed, on the smallest input the shrinker found. <see cref="Seed"/> and
/// <see cref="CaseIndex"/> replay it: <c>new LayerCheckOptions { Seed = Seed, OnlyCase = CaseIndex }</c>, with the
/// other options as before, draws the same case and shrinks it to the same input.
/// </summary>
/// <param name="Property">Which property failed: one of the names in <see cref="LayerCheckProperties"/>.</param>
/// <param name="Message">
/// The whole report: the property, the expected and actual numbers, the shrunk input's shape and values (round-trip
/// formatted, as a <c>Tensor.FromArray</c> call), and the options that replay it.
/// </param>
/// <param name="Shape">The shrunk input's shape.</param>
/// <param name="Input">The shrunk input's values, row-major.</param>
/// <param name="Seed">The check's seed.</param>
/// <param name="CaseIndex">The index of the failing case under that seed.</param>
/// <param name="ShrinkSteps">How many times the shrinker replaced the input with a smaller one that still failed.</param>
public sealed record LayerCheckFailure(
    string Property, string Message, int[] Shape, double[] Input, ulong Seed, int CaseIndex, int ShrinkSteps);
