using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Functional.Kernels;

/// <summary>
/// A SIMD vector of one width, as the matrix kernels use it: each kernel is written once over this interface and the
/// JIT compiles it once per struct below, so every width runs its own specialised code (.NET 10 keeps its own
/// <c>ISimdVector</c> internal). Every operation is the <c>VectorN</c> one it wraps: + and × stay separate, never fused.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal interface IVector<TSelf, T>
    where TSelf : struct, IVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether this width runs as hardware vectors.</summary>
    static abstract bool IsHardwareAccelerated { get; }

    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>The <see cref="Count"/> elements from <paramref name="source"/> + <paramref name="offset"/> on.</summary>
    static abstract TSelf Load(ref T source, nuint offset);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>Lane by lane sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane by lane difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane by lane product.</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Stores the lanes at <paramref name="destination"/> + <paramref name="offset"/> on.</summary>
    void Store(ref T destination, nuint offset);
}

/// <summary>A 512-bit vector.</summary>
internal readonly struct Lanes512<T>(Vector512<T> value) : IVector<Lanes512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _value = value;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int Count => Vector512<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Load(ref T source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Create(T value) => new(Vector512.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator +(Lanes512<T> left, Lanes512<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator -(Lanes512<T> left, Lanes512<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator *(Lanes512<T> left, Lanes512<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);
}

/// <summary>A 256-bit vector.</summary>
internal readonly struct Lanes256<T>(Vector256<T> value) : IVector<Lanes256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _value = value;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Load(ref T source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Create(T value) => new(Vector256.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator +(Lanes256<T> left, Lanes256<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator -(Lanes256<T> left, Lanes256<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator *(Lanes256<T> left, Lanes256<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);
}

/// <summary>A 128-bit vector.</summary>
internal readonly struct Lanes128<T>(Vector128<T> value) : IVector<Lanes128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector128<T> _value = value;

    /// <inheritdoc/>
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int Count => Vector128<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> Load(ref T source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> Create(T value) => new(Vector128.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator +(Lanes128<T> left, Lanes128<T> right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator -(Lanes128<T> left, Lanes128<T> right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator *(Lanes128<T> left, Lanes128<T> right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination, nuint offset) => _value.StoreUnsafe(ref destination, offset);
}
