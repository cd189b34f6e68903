namespace Functional.Facade.Verification;

/// <summary>
/// A property a layer failed, on the smallest case CsCheck's shrinking found. <see cref="CaseSeed"/> replays that case
/// alone: <c>new LayerCheckOptions { Replay = CaseSeed }</c>; <see cref="Seed"/> and <see cref="CaseIndex"/> replay
/// the whole search: <c>new LayerCheckOptions { Seed = Seed, OnlyCase = CaseIndex }</c>, with the other options as
/// before, draws the same case and shrinks it to the same one.
/// </summary>
/// <param name="Property">Which property failed: one of the names in <see cref="LayerCheckProperties"/>.</param>
/// <param name="Message">
/// The whole report: the property, the expected and actual numbers, the shrunk input's shape and values (round-trip
/// formatted, as a <c>Tensor.FromArray</c> call), and the options that replay it.
/// </param>
/// <param name="Shape">The shrunk case's first argument's shape (the input's, for a single-input layer).</param>
/// <param name="Input">The shrunk case's first argument's values, row-major.</param>
/// <param name="Seed">The check's seed.</param>
/// <param name="CaseIndex">
/// The index of the failing random case under that seed, or of the failing point in
/// <see cref="LayerCheckOptions.Points"/> when <see cref="CaseSeed"/> is null; −1 for a <see cref="LayerCheckOptions.Replay"/>.
/// </param>
/// <param name="ShrinkSteps">How many times shrinking replaced the case with a smaller one that still failed.</param>
public sealed record LayerCheckFailure(
    string Property, string Message, int[] Shape, double[] Input, ulong Seed, int CaseIndex, int ShrinkSteps)
{
    /// <summary>Every argument of the shrunk case, in the rule's order, with its name.</summary>
    public IReadOnlyList<LayerCheckArgument> Arguments { get; init; } = [];

    /// <summary>The argument whose gradient is wrong (e.g. "W"), when the failed property blames one; otherwise null.</summary>
    public string? Argument { get; init; }

    /// <summary>
    /// The CsCheck seed string that draws the shrunk case again: pass it as <see cref="LayerCheckOptions.Replay"/>.
    /// Null when a user point failed (<see cref="LayerCheckOptions.Points"/>), which needs no seed.
    /// </summary>
    public string? CaseSeed { get; init; }
}
