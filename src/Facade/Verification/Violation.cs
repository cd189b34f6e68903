namespace Functional.Facade.Verification;

/// <summary>A property one input failed: its name (from <see cref="LayerCheckProperties"/>) and the expected and actual values.</summary>
internal sealed record Violation(string Property, string Detail);
