namespace Functional.Facade.Reports;

/// <summary>One epoch's point on the learning curves drawn by <see cref="LearningCurveChart"/>.</summary>
/// <param name="Epoch">The epoch number; epochs in a chart must increase.</param>
/// <param name="Step">The number of optimizer steps taken by the end of this epoch.</param>
/// <param name="Loss">The mean training loss over the epoch's steps (at least 0).</param>
/// <param name="TrainAccuracy">The fraction of the training set classified correctly, in [0, 1].</param>
/// <param name="TestAccuracy">The fraction of the test set classified correctly, in [0, 1].</param>
public sealed record EpochPoint(int Epoch, long Step, double Loss, double TrainAccuracy, double TestAccuracy);
