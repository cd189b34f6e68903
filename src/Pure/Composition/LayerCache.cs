namespace Functional.Composition;

/// <summary>
/// What one <see cref="ILayer.Forward"/> call keeps for its <see cref="ILayer.Backward"/>. Each layer derives its own
/// record; the caller holds it and the layer never stores it.
/// </summary>
public abstract record LayerCache;
