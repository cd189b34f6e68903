namespace Functional.Facade.Verification;

/// <summary>
/// Where a rule's own Forward or Backward records a broken contract (a gradient of the wrong count, a changed dOut)
/// that the generic properties cannot word as precisely. <see cref="RuleProperties"/> clears it before each case and
/// reports its first violation ahead of whatever the case ran into next.
/// </summary>
internal sealed class ContractLog
{
    /// <summary>The first violation recorded since the last <see cref="Clear"/>, or null.</summary>
    public Violation? First { get; private set; }

    /// <summary>Forgets what was recorded, before a new case.</summary>
    public void Clear() => First = null;

    /// <summary>Records <paramref name="violation"/> unless an earlier one is already recorded.</summary>
    public void Record(Violation violation) => First ??= violation;
}
