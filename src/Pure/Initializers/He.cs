namespace Functional.Initializers;

/// <summary>The "He" initial value (section 6.2.3, He et al. 2015): σ = √(2/fanIn). Suited to ReLU.</summary>
public sealed record He : Initializer
{
    /// <summary>"he".</summary>
    public override string Name => "he";

    /// <summary>√(2/fanIn).</summary>
    /// <inheritdoc/>
    public override double Std(int fanIn, int fanOut)
    {
        RequireFans("He.Std", fanIn, fanOut);
        return Math.Sqrt(2.0 / fanIn);
    }
}
