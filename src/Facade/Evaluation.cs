namespace Functional.Facade;

/// <summary>Loss and accuracy of a model on a data set.</summary>
/// <param name="Loss">The mean cross-entropy loss.</param>
/// <param name="Accuracy">The fraction classified correctly.</param>
/// <param name="Count">The number of samples.</param>
public sealed record Evaluation(double Loss, double Accuracy, int Count);
