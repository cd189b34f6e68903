namespace Functional.Facade.Verification;

/// <summary>
/// A property one case failed: its name (from <see cref="LayerCheckProperties"/>), the expected and actual values, and
/// the argument whose gradient is wrong when one is to blame.
/// </summary>
internal sealed record Violation(string Property, string Detail, string? Argument = null);
