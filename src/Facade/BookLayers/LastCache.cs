namespace Functional.Facade.BookLayers;

internal static class LastCache
{
    public static T Require<T>(T? cache, string layer) where T : class =>
        cache ?? throw new InvalidOperationException($"{layer}.Backward: call Forward first; there is no cache to go back through.");
}
