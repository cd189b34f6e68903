using Functional.Rng;

namespace Functional.Training;

/// <summary>
/// Draws step n's batch from <c>key.FoldIn(n)</c> alone, with replacement as the book's
/// <c>np.random.choice(train_size, batch_size)</c>: any step's batch can be recomputed without the steps before it.
/// </summary>
public static class BatchSampler
{
    /// <summary>
    /// <paramref name="batchSize"/> indices in [0, <paramref name="count"/>): index i is ⌊bits_i · count / 2⁶⁴⌋ for the
    /// i-th 64 random bits of the step's key (Lemire's multiply-shift; its bias is below count / 2⁶⁴).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">batchSize or count is below 1, or step is negative.</exception>
    public static int[] Indices(RngKey key, long step, int batchSize, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var stepKey = key.FoldIn((ulong)step);
        var indices = new int[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            indices[i] = (int)Math.BigMul(stepKey.BitsAt(i), (ulong)count, out _);
        }
        return indices;
    }
}
