using Functional.Rng;

namespace Functional.Composition;

/// <summary>What a forward call needs besides parameters, state and input: training or inference, and a random key.</summary>
/// <param name="Training">True while training: BatchNorm uses the batch's statistics and updates its state, Dropout drops.</param>
/// <param name="Key">
/// This layer's key for this step; in a network every layer gets its own, derived from the step's key, its kind and
/// its position, so a replayed step draws the same numbers.
/// </param>
public readonly record struct StepContext(bool Training, RngKey Key)
{
    /// <summary>Inference: running statistics, nothing dropped, no randomness.</summary>
    public static StepContext Inference => new(false, default);

    /// <summary>A training step drawing from <paramref name="key"/>.</summary>
    public static StepContext Train(RngKey key) => new(true, key);
}
