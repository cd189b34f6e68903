namespace Functional.Networks;

/// <summary>The activation between two Affine layers.</summary>
public enum Activation
{
    /// <summary><see cref="Layers.Relu"/>.</summary>
    Relu,

    /// <summary><see cref="Layers.Sigmoid"/>.</summary>
    Sigmoid,
}
