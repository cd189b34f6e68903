namespace Functional.Training;

/// <summary>The loss became NaN or infinite; the parameters of that step are not used.</summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for the step whose loss was not finite.</summary>
    public TrainingDivergedException(long step, double loss)
        : base($"training diverged at step {step}: the loss is {loss}; try a smaller learning rate.")
    {
        Step = step;
        Loss = loss;
    }

    /// <summary>The 0-based step whose loss was not finite.</summary>
    public long Step { get; }

    /// <summary>The loss at that step.</summary>
    public double Loss { get; }
}
