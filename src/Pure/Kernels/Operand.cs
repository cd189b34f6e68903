using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Functional.Kernels;

/// <summary>
/// A product's left operand A: an array of values, or an array of pixels (bytes) that stand for table[pixel]. Pixels
/// let the first layer read a batch of images as the bytes they are — an eighth of the memory of float64 features —
/// with each value looked up exactly where it is used.
/// </summary>
internal readonly struct Operand<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[]? _values;
    private readonly byte[]? _pixels;
    private readonly T[]? _table;

    private Operand(T[]? values, byte[]? pixels, T[]? table) => (_values, _pixels, _table) = (values, pixels, table);

    /// <summary>A holds its values.</summary>
    public static Operand<T> Values(T[] values) => new(values, null, null);

    /// <summary>A(i) = table[pixels[i]]; the table has an entry for every byte.</summary>
    public static Operand<T> Pixels(byte[] pixels, T[] table) =>
        table.Length >= 256 ? new(null, pixels, table) : throw new ArgumentException($"Operand.Pixels: the table needs 256 entries, got {table.Length}.", nameof(table));

    /// <summary>The pixels, or null for values.</summary>
    public byte[]? PixelArray => _pixels;

    /// <summary>The values, or null for pixels.</summary>
    public T[]? ValueArray => _values;

    /// <summary>Bytes per element: sizeof(T) for values, 1 for pixels.</summary>
    public int ElementSize => _pixels is null ? Unsafe.SizeOf<T>() : 1;

    /// <summary>Element 0's first byte.</summary>
    public ref byte Origin => ref _pixels is null
        ? ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(_values!))
        : ref MemoryMarshal.GetArrayDataReference(_pixels);

    /// <summary>The table's first entry (a null reference for values, which never read it).</summary>
    public ref T TableOrigin => ref _table is null ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetArrayDataReference(_table);
}

/// <summary>How a kernel reads one element of A at a byte address: the JIT specialises each kernel per reader.</summary>
internal interface IElementReader<T> where T : unmanaged
{
    /// <summary>The element stored at <paramref name="at"/>.</summary>
    static abstract T Read(ref byte at, ref T table);
}

/// <summary>A holds its values.</summary>
internal readonly struct ValueReader<T> : IElementReader<T> where T : unmanaged
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read(ref byte at, ref T table) => Unsafe.As<byte, T>(ref at);
}

/// <summary>A holds pixels standing for table[pixel].</summary>
internal readonly struct PixelReader<T> : IElementReader<T> where T : unmanaged
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read(ref byte at, ref T table) => Unsafe.Add(ref table, at);
}
