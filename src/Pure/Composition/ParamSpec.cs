using Functional.Tensors;

namespace Functional.Composition;

/// <summary>What a parameter is for: weight decay shrinks <see cref="Weight"/>s and leaves everything else alone.</summary>
public enum ParamRole
{
    /// <summary>A weight: multiplies the input (Affine's W). Weight decay applies.</summary>
    Weight,

    /// <summary>Anything else: a bias, a scale or a shift. Weight decay does not apply.</summary>
    Other,
}

/// <summary>One tensor a layer declares: its name within the layer, its shape and its role.</summary>
/// <param name="Name">The name within the layer, e.g. "W" or "gamma".</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Role">Whether weight decay applies.</param>
public sealed record ParamSpec(string Name, Shape Shape, ParamRole Role = ParamRole.Other);
