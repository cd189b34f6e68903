namespace Functional.Networks;

/// <summary>The activation between two Affine layers.</summary>
public enum Activation
{
    /// <summary><see cref="Layers.Relu"/>.</summary>
    Relu,

    /// <summary><see cref="Layers.Sigmoid"/>.</summary>
    Sigmoid,

    /// <summary><see cref="Layers.Tanh"/>.</summary>
    Tanh,

    /// <summary><see cref="Layers.LeakyRelu"/> with slope 0.01 for x ≤ 0.</summary>
    LeakyRelu,
}
