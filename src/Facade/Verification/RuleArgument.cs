namespace Functional.Facade.Verification;

/// <summary>
/// One tensor argument of a <see cref="RuleUnderTest"/>: an input or a parameter, whose gradient Backward returns.
/// </summary>
/// <param name="Name">What failure messages call it, e.g. "x", "W" or "B".</param>
/// <param name="Shape">
/// Its shape from the drawn dimension sizes, e.g. <c>d =&gt; [d[0], d[1]]</c> for x [batch, in] when the rule draws
/// (batch, in, out). Every dimension must be positive. A fixed shape ignores the sizes: <c>_ =&gt; [3]</c>.
/// </param>
public sealed record RuleArgument(string Name, Func<IReadOnlyList<int>, int[]> Shape)
{
    /// <summary>
    /// Its values are k/64 uniform over [Low, High], with the bounds of <see cref="LayerCheckOptions.ValueRange"/>;
    /// null (the default) uses that option.
    /// </summary>
    public (double Low, double High)? ValueRange { get; init; }

    /// <summary>
    /// Keeps only the values it returns true for (the others are drawn again), e.g. to stay away from a kink; null (the
    /// default) uses <see cref="LayerCheckOptions.InputFilter"/>.
    /// </summary>
    public Func<double, bool>? Filter { get; init; }
}
