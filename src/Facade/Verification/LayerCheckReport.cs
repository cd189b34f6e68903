namespace Functional.Facade.Verification;

/// <summary>The outcome of <see cref="LayerCheck"/>'s Verify.</summary>
/// <param name="Passed">True when every case satisfied every property.</param>
/// <param name="CasesRun">How many cases were checked, the failing one included.</param>
/// <param name="Failure">The first failing case after shrinking, or null when <paramref name="Passed"/>.</param>
public sealed record LayerCheckReport(bool Passed, int CasesRun, LayerCheckFailure? Failure);
