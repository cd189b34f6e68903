using System.Numerics;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// Marks this library's layers: in a network their parameters keep the book's names ("W1", "gamma2"), and their
/// keys the book's network's. Internal, so no other layer can claim those names.
/// </summary>
internal interface IBuiltInLayer;

/// <summary>A layer that can give its parameters' gradient without forming the input's, for a first layer.</summary>
internal interface IInputGradientOptional
{
    /// <summary>The parameters' gradient alone: the same tensors <see cref="ILayer.Backward"/> gives.</summary>
    Params<T> ParameterGradient<T>(LayerCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
