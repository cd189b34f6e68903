using Functional.Composition;

namespace Functional.Layers;

/// <summary>
/// A layer of this library. In a network its parameters keep the names the book gives them — "W1", "b2",
/// "gamma1" — which files written before layers composed use; a user's layer's are "kind1.name".
/// Only this library's layers derive from it.
/// </summary>
public abstract record BuiltInLayer : Layer, IBuiltInLayer
{
    private protected BuiltInLayer()
    {
    }
}
