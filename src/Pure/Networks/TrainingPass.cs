using Functional.Parameters;

namespace Functional.Networks;

/// <summary>What one training-mode pass of <see cref="Mlp.TrainingPass"/> gives.</summary>
/// <param name="Loss">The batch's mean loss at the parameters passed in.</param>
/// <param name="Gradient">The loss's gradient for every trainable parameter (<see cref="Network.IsTrainable"/>).</param>
/// <param name="Running">BatchNorm's running statistics after this batch ("meanK", "varK"); empty without BatchNorm.</param>
public sealed record TrainingPass(double Loss, ParamTree Gradient, ParamTree Running);
