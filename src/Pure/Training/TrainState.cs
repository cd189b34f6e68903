using Functional.Networks;
using Functional.Rng;

namespace Functional.Training;

/// <summary>Everything a training run carries from one step to the next; step n + 1 is a function of this alone.</summary>
/// <param name="Params">The parameters after <paramref name="Step"/> steps.</param>
/// <param name="Step">How many steps have been taken.</param>
/// <param name="BatchKey">The key that, folded with a step number, draws that step's batch.</param>
public sealed record TrainState(ParamTree Params, long Step, RngKey BatchKey);
