namespace Functional.Facade.Verification;

/// <summary>One argument of a failing case, as <see cref="LayerCheckFailure.Arguments"/> lists them.</summary>
/// <param name="Name">The argument's name in the rule ("x" for a single-input layer).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its values, row-major.</param>
public sealed record LayerCheckArgument(string Name, int[] Shape, double[] Values);
